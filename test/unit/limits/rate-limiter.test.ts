import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { BucketLimits } from "../../../src/limits/bucket";
import { nextUtcMidnight, secondsToMidnight, utcDay } from "../../../src/limits/bucket";
import { IDLE_GRACE_MS, type RateLimiter } from "../../../src/limits/rate-limiter";
import { age, callsOf, limiterOf, readBucket, usageRows, writeBucket } from "../../helpers/limiter";

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
			refusedBy: null,
			quota: null,
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
		expect(Object.keys(bucket ?? {}).sort()).toEqual(["day", "dayUsed", "idleAt", "tokens", "touchedAt", "updatedAt"]);
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

const BIG: BucketLimits = { capacity: 1000, refillPerSecond: 1 / 3600 };

describe("RateLimiter.lease", () => {
	it("deducts the whole lease at once and reports the bucket after it", async () => {
		const stub = fresh();
		const lease = await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits: BIG });
		expect(lease).toMatchObject({ allowed: true, granted: 100, remaining: 900, limit: 1000, refusedBy: null });
		expect(lease.expiresAt).toBeGreaterThan(Date.now());
		expect(lease.expiresAt).toBeLessThanOrEqual(Date.now() + 5000);
		expect(lease.day).toBe(utcDay(Date.now()));
		// Storage already counts the lease as spent (and reserves 5 % below it).
		expect((await readBucket(stub))?.tokens).toBeCloseTo(850, 2);
		expect(await stub.take(1, BIG)).toMatchObject({ allowed: true, remaining: 899 });
	});

	it("grants what is left, and none when less than the minimum is", async () => {
		const stub = fresh();
		const limits = { capacity: 150, refillPerSecond: 1 / 3600 };
		expect(await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits })).toMatchObject({
			granted: 100,
			remaining: 50,
		});
		expect(await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits })).toMatchObject({ granted: 50, remaining: 0 });
		const refused = await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits });
		expect(refused).toMatchObject({ allowed: false, granted: 0, refusedBy: "burst" });
		expect(refused.retryAfterSeconds).toBeGreaterThan(3000);
	});

	it("takes back unspent tokens, never past the capacity", async () => {
		const stub = fresh();
		const first = await stub.lease({ min: 1, want: 300, leaseMs: 5000, limits: BIG });
		// 120 of the 300 were spent: 180 come back with the next lease.
		const second = await stub.lease({
			min: 1,
			want: 100,
			leaseMs: 5000,
			limits: BIG,
			returned: { tokens: 180, day: first.day },
		});
		expect(second).toMatchObject({ granted: 100, remaining: 780 });
		// A bogus return cannot overfill the bucket.
		const third = await stub.lease({
			min: 1,
			want: 1,
			leaseMs: 5000,
			limits: BIG,
			returned: { tokens: 10_000, day: first.day },
		});
		expect(third).toMatchObject({ granted: 1, remaining: 999 });
	});

	it("is exact under concurrency: 60 simultaneous leases of 30 share a bucket of 1000 without a token more", async () => {
		const name = `limiter-lease-concurrent-${crypto.randomUUID()}`;
		const leases = await Promise.all(
			Array.from({ length: 60 }, () => limiterOf(name).lease({ min: 1, want: 30, leaseMs: 5000, limits: BIG })),
		);
		expect(leases.reduce((n, l) => n + l.granted, 0)).toBe(1000);
		expect(leases.filter((l) => !l.allowed).every((l) => l.granted === 0 && l.refusedBy === "burst")).toBe(true);
	});

	it("never lasts past the UTC midnight, so its tokens count on the day they were leased", async () => {
		const lease = await fresh().lease({ min: 1, want: 10, leaseMs: 2 * 86_400_000, limits: BIG });
		expect(lease.expiresAt).toBe(nextUtcMidnight(Date.now()));
	});
});

describe("RateLimiter daily quota", () => {
	const QUOTA: BucketLimits = { capacity: 100, refillPerSecond: 10, perDay: 3 };

	it("admits the day's quota, then refuses until midnight UTC with its own reason", async () => {
		const stub = fresh();
		const results = [];
		for (let i = 0; i < 4; i++) results.push(await stub.take(1, QUOTA));
		expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
		expect(results.map((r) => r.quota?.remaining)).toEqual([2, 1, 0, 0]);
		const refused = results[3];
		expect(refused?.refusedBy).toBe("quota");
		const toMidnight = secondsToMidnight(Date.now());
		expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(toMidnight - 2);
		expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(toMidnight);
		expect(refused?.quota).toMatchObject({ limit: 3, used: 3, remaining: 0 });
		// The bucket was not charged for the refusal.
		expect(refused?.remaining).toBe(97);
	});

	it("keeps the day's count across a restart (storage never counts fewer than the truth)", async () => {
		const stub = fresh();
		for (let i = 0; i < 3; i++) await stub.take(1, QUOTA);
		expect((await readBucket(stub))?.dayUsed).toBeGreaterThanOrEqual(3);
		await evictDurableObject(stub);
		expect(await stub.take(1, QUOTA)).toMatchObject({ allowed: false, refusedBy: "quota" });
	});

	it("starts a new count on a new day", async () => {
		const stub = fresh();
		for (let i = 0; i < 3; i++) await stub.take(1, QUOTA);
		const bucket = await readBucket(stub);
		if (!bucket) throw new Error("no bucket");
		await writeBucket(stub, { ...bucket, day: utcDay(Date.now() - 86_400_000) });
		expect(await stub.take(1, QUOTA)).toMatchObject({ allowed: true, quota: { used: 1, remaining: 2 } });
	});

	it("bounds a lease by what is left of the quota, and gives back unspent tokens to today's count", async () => {
		const stub = fresh();
		const limits = { ...BIG, perDay: 150 };
		const first = await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits });
		const second = await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits });
		expect([first.granted, second.granted]).toEqual([100, 50]);
		expect(second.quota).toMatchObject({ used: 150, remaining: 0 });
		expect(await stub.lease({ min: 1, want: 100, leaseMs: 5000, limits })).toMatchObject({
			allowed: false,
			refusedBy: "quota",
		});
		// 40 unspent come back: today may admit 40 more.
		const back = await stub.lease({
			min: 1,
			want: 100,
			leaseMs: 5000,
			limits,
			returned: { tokens: 40, day: first.day },
		});
		expect(back).toMatchObject({ granted: 40, quota: { used: 150, remaining: 0 } });
	});

	it("keeps a bucket with today's quota count through the idle alarm until after midnight", async () => {
		const stub = fresh();
		await stub.take(1, QUOTA);
		await age(stub, 3600);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect((await readBucket(stub))?.dayUsed).toBeGreaterThanOrEqual(1);
	});
});

describe("RateLimiter usage counts", () => {
	const today = utcDay(Date.now());

	it("adds batches to one row per day and route, and reports them with the bucket", async () => {
		const stub = fresh();
		await stub.record([
			{ day: today, route: "/v1/fair-price", requests: 5, refused: 0 },
			{ day: today, route: "/v1/cards", requests: 2, refused: 1 },
		]);
		await stub.take(1, SLOW, { usage: [{ day: today, route: "/v1/fair-price", requests: 3, refused: 2 }] });
		expect(await usageRows(stub)).toEqual([
			{ day: today, route: "/v1/cards", requests: 2, refused: 1 },
			{ day: today, route: "/v1/fair-price", requests: 8, refused: 2 },
		]);
		const report = await stub.report(SLOW, 30);
		expect(report.bucket).toEqual({ limit: 5, remaining: 4, resetSeconds: 60 });
		expect(report.rows).toHaveLength(2);
		expect(report.calls).toMatchObject({ take: 1, record: 1, report: 1, lease: 0 });
	});

	it("ignores malformed counts", async () => {
		const stub = fresh();
		await stub.record([
			{ day: "yesterday", route: "/x", requests: 1, refused: 0 },
			{ day: today, route: "/x", requests: -1, refused: 0 },
			{ day: today, route: "/x", requests: 1.5, refused: 0 },
			{ day: today, route: "/y", requests: 0, refused: 0 },
		]);
		expect(await usageRows(stub)).toEqual([]);
	});

	it("keeps 30 days: older rows go, and the idle alarm keeps the rest when it forgets the bucket", async () => {
		const stub = fresh();
		const old = utcDay(Date.now() - 31 * 86_400_000);
		const recent = utcDay(Date.now() - 29 * 86_400_000);
		await stub.record([
			{ day: old, route: "/v1/cards", requests: 1, refused: 0 },
			{ day: recent, route: "/v1/cards", requests: 4, refused: 0 },
		]);
		expect((await usageRows(stub)).map((r) => r.day)).toEqual([recent]);
		await stub.take(1, SLOW);
		await age(stub, 3600);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const left = await runInDurableObject(stub, async (_i, state) => ({
			bucket: state.storage.kv.get("bucket"),
			alarm: await state.storage.getAlarm(),
		}));
		expect(left.bucket).toBeUndefined();
		expect(await usageRows(stub)).toHaveLength(1);
		// Back when the recent day falls out of the window.
		expect(left.alarm).toBe(Date.parse(recent) + 30 * 86_400_000);
	});

	it("counts its own calls, and the counter is no call of its own", async () => {
		const stub = fresh();
		await stub.take(1, SLOW);
		await stub.lease({ min: 1, want: 2, leaseMs: 1000, limits: SLOW });
		await stub.record([]);
		expect(await callsOf(stub)).toMatchObject({ take: 1, lease: 1, record: 1, report: 0 });
		expect(await callsOf(stub)).toMatchObject({ take: 1, lease: 1, record: 1, report: 0 });
	});
});
