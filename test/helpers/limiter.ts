import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

/** The bucket as the RateLimiter stores it under "bucket" in its synchronous KV storage. */
export type StoredBucket = {
	tokens: number;
	updatedAt: number;
	touchedAt: number;
	idleAt: number;
	/** The UTC day `dayUsed` counts (older records have neither). */
	day?: string;
	dayUsed?: number;
};

/** The rate limiter object of a key id, addressed the way the middleware addresses it. */
export const limiterOf = (keyId: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(keyId));

type Stub = ReturnType<typeof limiterOf>;

/** The stored bucket of a limiter, or undefined when it has none. */
export const readBucket = (stub: Stub) =>
	runInDurableObject(stub, (_instance, state) => state.storage.kv.get<StoredBucket>("bucket"));

/** Rewrites a limiter's stored bucket: how tests make time pass without sleeping. */
export const writeBucket = (stub: Stub, bucket: StoredBucket) =>
	runInDurableObject(stub, (instance, state) => {
		state.storage.kv.put("bucket", bucket);
		// The object keeps its true bucket in memory: make it read the rewritten one.
		instance.reload();
	});

/**
 * Rewrites the stored bucket as if `seconds` had passed since its last update (and since its
 * last touch), so the next take refills lazily from that much elapsed time.
 */
export async function age(stub: Stub, seconds: number): Promise<StoredBucket> {
	const bucket = await readBucket(stub);
	if (!bucket) throw new Error("age: the limiter has no bucket yet");
	const ms = seconds * 1000;
	const aged = {
		...bucket,
		tokens: bucket.tokens,
		updatedAt: bucket.updatedAt - ms,
		touchedAt: bucket.touchedAt - ms,
		idleAt: bucket.idleAt - ms,
	};
	await writeBucket(stub, aged);
	return aged;
}

/** The limiter's own call counters since it started. */
export const callsOf = (stub: Stub) => runInDurableObject(stub, (instance) => instance.calls());

/** The usage rows the limiter stores, oldest day first. */
export const usageRows = (stub: Stub) =>
	runInDurableObject(stub, (_instance, state) => {
		const table = state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'usage'");
		if (table.toArray().length === 0) return [];
		return state.storage.sql
			.exec<{ day: string; route: string; requests: number; refused: number }>(
				"SELECT day, route, requests, refused FROM usage ORDER BY day, route",
			)
			.toArray();
	});
