import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IoMeter, meteredBucket } from "../../../src/pipeline/step-meter";

describe("meteredBucket", () => {
	it("counts reads (with the largest one and its key) and writes between begin and end", async () => {
		const meter = new IoMeter();
		const bucket = meteredBucket(env.ARCHIVE, meter);
		meter.begin();
		await bucket.put("test/meter/small", "abc");
		await bucket.put("test/meter/large", new Uint8Array(1000));
		expect(await (await bucket.get("test/meter/small"))?.text()).toBe("abc");
		expect((await bucket.get("test/meter/large"))?.size).toBe(1000);
		// Not reads: a head, a conditional get that returns no body, a missing object.
		expect((await bucket.head("test/meter/large"))?.size).toBe(1000);
		const etag = (await env.ARCHIVE.head("test/meter/small"))?.etag as string;
		await bucket.get("test/meter/small", { onlyIf: { etagDoesNotMatch: etag } });
		expect(await bucket.get("test/meter/none")).toBeNull();
		expect(meter.end()).toEqual({
			reads: 2,
			read_bytes: 1003,
			max_read_bytes: 1000,
			max_read_key: "test/meter/large",
			writes: 2,
			write_bytes: 1003,
			max_write_bytes: 1000,
		});
		meter.begin();
		expect(meter.end()).toMatchObject({ reads: 0, writes: 0, max_read_key: null });
	});

	it("leaves every other method as it was", async () => {
		const bucket = meteredBucket(env.ARCHIVE, new IoMeter());
		await bucket.put("test/meter/listed", "x");
		expect((await bucket.list({ prefix: "test/meter/listed" })).objects.map((o) => o.key)).toEqual([
			"test/meter/listed",
		]);
		await bucket.delete("test/meter/listed");
		expect(await env.ARCHIVE.head("test/meter/listed")).toBeNull();
	});
});
