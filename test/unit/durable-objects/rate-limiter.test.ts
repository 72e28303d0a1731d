import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type BucketLimits, IDLE_GRACE_MS, type RateLimiter } from "../../../src/durable-objects/rate-limiter";
import { age, limiterOf, readBucket, writeBucket } from "../../helpers/limiter";

let n = 0;
/** A limiter of its own for each test. */
const fresh = () => limiterOf(`limiter-test-${++n}-${crypto.randomUUID()}`);

// One token a minute: refill during a test run is far below one token.
const SLOW: BucketLimits = { capacity: 5, refillPerSecond: 1 / 60 };

describe("RateLimiter.take", () => {
	it("starts full and reports what the headers need", async () => {
		const result = await fresh().take(1, { capacity: 5, refillPerSecond: 1 });
		expect(result).toEqual({
			allowed: true,
			remaining: 4,
			limit: 5,
			resetSeconds: 1,
			retryAfterSeconds: 0,
			touch: true,
		});
	});

	it("lets exactly the capacity through, then refuses with a retry time", async () => {
		const stub = fresh();
		const results = [];
		for (let i = 0; i < 7; i++) results.push(await stub.take(1, SLOW));
		expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
		expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
		const refused = results[5];
		expect(refused?.limit).toBe(5);
		// One token at 1/60 per second: just under 60 s away.
		expect(refused?.retryAfterSeconds).toBeGreaterThan(55);
		expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(60);
		expect(refused?.resetSeconds).toBeGreaterThan(295);
		expect(refused?.resetSeconds).toBeLessThanOrEqual(300);
	});

	it("takes a cost of several tokens, or none at all", async () => {
		const stub = fresh();
		expect(await stub.take(3, SLOW)).toMatchObject({ allowed: true, remaining: 2 });
		expect(await stub.take(3, SLOW)).toMatchObject({ allowed: false, remaining: 2 });
		expect(await stub.take(2, SLOW)).toMatchObject({ allowed: true, remaining: 0 });
	});

	it("refuses nonsensical costs and limits", async () => {
		const stub = fresh();
		for (const [cost, limits] of [
			[0, SLOW],
			[-1, SLOW],
			[Number.NaN, SLOW],
			[1, { capacity: 0, refillPerSecond: 1 }],
			[1, { capacity: 5, refillPerSecond: 0 }],
			[1, { capacity: Number.NaN, refillPerSecond: 1 }],
		] as const) {
			// Called inside the object: a rejected RPC call is reported as uncaught by the test runtime.
			const error = await runInDurableObject(stub, (instance: RateLimiter) =>
				instance.take(cost, limits).then(
					() => null,
					(e: unknown) => e,
				),
			);
			expect(error).toBeInstanceOf(RangeError);
			expect(String(error)).toMatch(/must be positive/);
		}
		expect(await readBucket(stub)).toBeUndefined();
	});

	it("persists the bucket in storage, so it survives eviction", async () => {
		const stub = fresh();
		await stub.take(1, SLOW);
		await stub.take(1, SLOW);
		const bucket = await readBucket(stub);
		expect(bucket).toMatchObject({ tokens: expect.closeTo(3, 2) });
		expect(Object.keys(bucket ?? {}).sort()).toEqual(["idleAt", "tokens", "touchedAt", "updatedAt"]);
		await evictDurableObject(stub);
		expect(await stub.take(1, SLOW)).toMatchObject({ allowed: true, remaining: 2 });
	});

	it("refills lazily from the elapsed time, never past the capacity", async () => {
		const stub = fresh();
		const limits = { capacity: 5, refillPerSecond: 0.1 };
		for (let i = 0; i < 5; i++) await stub.take(1, limits);
		expect(await stub.take(1, limits)).toMatchObject({ allowed: false, remaining: 0 });

		await age(stub, 30); // 3 tokens at 0.1 per second
		expect(await stub.take(1, limits)).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 30 });

		await age(stub, 86_400);
		expect(await stub.take(1, limits)).toMatchObject({ allowed: true, remaining: 4, resetSeconds: 10 });
	});

	it("never mints tokens when the stored time is ahead of the clock", async () => {
		const stub = fresh();
		const ahead = Date.now() + 3_600_000;
		await writeBucket(stub, { tokens: 0.5, updatedAt: ahead, touchedAt: ahead, idleAt: ahead });
		const result = await stub.take(1, { capacity: 5, refillPerSecond: 0.25 });
		expect(result).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 2, resetSeconds: 18 });
	});

	it("applies a lowered capacity at once", async () => {
		const stub = fresh();
		await stub.take(1, { capacity: 100, refillPerSecond: 1 / 60 });
		expect(await stub.take(1, { capacity: 3, refillPerSecond: 1 / 60 })).toMatchObject({ allowed: true, remaining: 2 });
	});

	it("asks for a last-use write at most once a minute, and only for allowed takes", async () => {
		const stub = fresh();
		const limits = { capacity: 3, refillPerSecond: 1 / 60 };
		expect((await stub.take(1, limits)).touch).toBe(true);
		expect((await stub.take(1, limits)).touch).toBe(false);
		await age(stub, 59);
		expect((await stub.take(1, limits)).touch).toBe(false);
		await age(stub, 1);
		// Now a minute since the touch, but the bucket is empty: refused, so no touch either.
		const bucket = await readBucket(stub);
		if (!bucket) throw new Error("no bucket");
		await writeBucket(stub, { ...bucket, tokens: 0, updatedAt: Date.now() });
		expect(await stub.take(1, limits)).toMatchObject({ allowed: false, touch: false });
		await age(stub, 61);
		expect(await stub.take(1, limits)).toMatchObject({ allowed: true, touch: true });
	});

	it("is exact under concurrency: 250 simultaneous takes let exactly the capacity through", async () => {
		const name = `limiter-concurrent-${crypto.randomUUID()}`;
		const limits = { capacity: 7, refillPerSecond: 1 / 3600 };
		// A separate stub per call, as separate requests would have.
		const results = await Promise.all(Array.from({ length: 250 }, () => limiterOf(name).take(1, limits)));
		expect(results.filter((r) => r.allowed)).toHaveLength(7);
		expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds > 0 && r.remaining === 0)).toBe(true);
		expect([...new Set(results.filter((r) => r.allowed).map((r) => r.remaining))].sort((x, y) => x - y)).toEqual([
			0, 1, 2, 3, 4, 5, 6,
		]);
	});

	it("keeps one bucket per name", async () => {
		const a = fresh();
		const b = fresh();
		for (let i = 0; i < 5; i++) await a.take(1, SLOW);
		expect((await a.take(1, SLOW)).allowed).toBe(false);
		expect(await b.take(1, SLOW)).toMatchObject({ allowed: true, remaining: 4 });
	});
});

describe("RateLimiter.alarm", () => {
	it("is armed by the first take for when the bucket is idle", async () => {
		const stub = fresh();
		await stub.take(1, { capacity: 5, refillPerSecond: 1 });
		const { alarm, bucket } = await runInDurableObject(stub, async (_i, state) => ({
			alarm: await state.storage.getAlarm(),
			bucket: state.storage.kv.get<{ idleAt: number; updatedAt: number }>("bucket"),
		}));
		expect(alarm).toBe(bucket?.idleAt);
		// Full again 1 s after the take, then the grace period.
		expect(bucket?.idleAt).toBe((bucket?.updatedAt ?? 0) + 1000 + IDLE_GRACE_MS);
	});

	it("deletes the storage of an idle bucket", async () => {
		const stub = fresh();
		await stub.take(1, SLOW);
		await age(stub, 3600);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const left = await runInDurableObject(stub, async (_i, state) => ({
			bucket: state.storage.kv.get("bucket"),
			entries: [...state.storage.kv.list()].length,
			alarm: await state.storage.getAlarm(),
		}));
		expect(left).toEqual({ bucket: undefined, entries: 0, alarm: null });
		// A deleted bucket is a full one.
		expect(await stub.take(1, SLOW)).toMatchObject({ allowed: true, remaining: 4 });
	});

	it("re-arms instead when the bucket was used since", async () => {
		const stub = fresh();
		await stub.take(1, SLOW);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const after = await runInDurableObject(stub, async (_i, state) => ({
			bucket: state.storage.kv.get<{ idleAt: number }>("bucket"),
			alarm: await state.storage.getAlarm(),
		}));
		expect(after.bucket).toBeDefined();
		expect(after.alarm).toBe(after.bucket?.idleAt);
	});
});

describe("RateLimiter storage", () => {
	it("writes a bucket never fuller than the truth, reserving ahead so a big bucket is not written on every take", async () => {
		const stub = limiterOf(`limiter-reserve-${crypto.randomUUID()}`);
		const limits = { capacity: 1000, refillPerSecond: 1 / 3600 };
		await stub.take(1, limits);
		const first = await readBucket(stub);
		// 999 left in truth; storage holds 5 % less (a reservation of 50 takes).
		expect(first?.tokens).toBeCloseTo(949, 3);
		for (let i = 0; i < 40; i++) await stub.take(1, limits);
		expect((await readBucket(stub))?.tokens).toBeCloseTo(949, 3);
		const fifty = await Promise.all(Array.from({ length: 20 }, () => stub.take(1, limits)));
		expect(fifty.at(-1)?.remaining).toBe(939);
		// The reservation ran out: storage moved down again, still below the truth.
		const later = await readBucket(stub);
		expect(later?.tokens).toBeLessThanOrEqual(939);
		expect(later?.tokens).toBeGreaterThan(880);
	});

	it("restarting from storage can only under-admit", async () => {
		const stub = limiterOf(`limiter-restart-${crypto.randomUUID()}`);
		const limits = { capacity: 100, refillPerSecond: 1 / 3600 };
		for (let i = 0; i < 10; i++) await stub.take(1, limits);
		// Forget memory, as an evicted object would.
		await runInDurableObject(stub, (instance: RateLimiter) => instance.reload());
		const after = await stub.take(1, limits);
		expect(after.allowed).toBe(true);
		expect(after.remaining).toBeLessThanOrEqual(89);
	});
});
