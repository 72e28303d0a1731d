/**
 * What each step attempt reads from and writes to R2, measured at the binding: object counts,
 * bytes, and the largest object read (the step's biggest single input, which bounds its memory).
 * The runner logs it with every step; `npm run bench -- pipeline` reads those lines.
 */

/** One step attempt's R2 traffic. */
export type StepIo = {
	reads: number;
	read_bytes: number;
	max_read_bytes: number;
	max_read_key: string | null;
	writes: number;
	write_bytes: number;
	max_write_bytes: number;
};

const zero = (): StepIo => ({
	reads: 0,
	read_bytes: 0,
	max_read_bytes: 0,
	max_read_key: null,
	writes: 0,
	write_bytes: 0,
	max_write_bytes: 0,
});

/** Counts R2 traffic between `begin` and `end` (steps run one at a time within an instance). */
export class IoMeter {
	#io = zero();

	/** Starts counting afresh (a step attempt begins). */
	begin(): void {
		this.#io = zero();
	}

	/** What was counted since `begin`. */
	end(): StepIo {
		return { ...this.#io };
	}

	read(key: string, bytes: number): void {
		this.#io.reads++;
		this.#io.read_bytes += bytes;
		if (bytes >= this.#io.max_read_bytes) {
			this.#io.max_read_bytes = bytes;
			this.#io.max_read_key = key;
		}
	}

	wrote(bytes: number): void {
		this.#io.writes++;
		this.#io.write_bytes += bytes;
		this.#io.max_write_bytes = Math.max(this.#io.max_write_bytes, bytes);
	}
}

/** `bucket` with its reads (`get`) and writes (`put`) counted by `meter`; everything else untouched. */
export function meteredBucket(bucket: R2Bucket, meter: IoMeter): R2Bucket {
	const get = async (key: string, options?: R2GetOptions) => {
		const object = await bucket.get(key, options);
		if (object && "body" in object) meter.read(key, object.size);
		return object;
	};
	const put = async (...args: Parameters<R2Bucket["put"]>) => {
		const object = await bucket.put(...args);
		if (object) meter.wrote(object.size);
		return object;
	};
	return new Proxy(bucket, {
		get(target, prop) {
			if (prop === "get") return get;
			if (prop === "put") return put;
			const value: unknown = Reflect.get(target, prop, target);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}
