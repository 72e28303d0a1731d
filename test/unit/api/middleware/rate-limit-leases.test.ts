import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetIsolateLimits } from "../../../../src/api/middleware/rate-limit";
import { callsOf, limiterOf } from "../../../helpers/limiter";
import { appFor, keyWith, limitHeaders } from "../../../helpers/rate-limit-app";

beforeEach(() => forgetIsolateLimits());
afterEach(() => vi.restoreAllMocks());

describe("rateLimit leases", () => {
	// Refill far below a token during a test: what is admitted is what the bucket held.
	const hot = (burst: number, perDay?: number) => keyWith(1, burst, perDay);

	it("serves a hot key from leases: one Durable Object call per lease, headers counting down exactly", async () => {
		const key = hot(1000); // LEASE_SHARE 0.1: leases of 100
		const app = appFor(key);
		const remaining = [];
		for (let i = 0; i < 250; i++) {
			const res = await app.get();
			expect(res.status).toBe(200);
			remaining.push(limitHeaders(res).remaining);
		}
		expect(remaining).toEqual(Array.from({ length: 250 }, (_, i) => 999 - i));
		expect(await callsOf(limiterOf(key.id))).toMatchObject({ take: 0, lease: 3, record: 0 });
	});

	it("never admits more than the bucket holds when many requests arrive at once", async () => {
		const key = hot(150); // leases of 15
		const app = appFor(key, { config: { RATE_LIMIT_TIMEOUT_MS: 10_000 } });
		const responses = await Promise.all(Array.from({ length: 400 }, () => app.get()));
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(150);
		expect(statuses.filter((s) => s === 429)).toHaveLength(250);
		// Every admitted answer names a different count: none claims a token another one spent.
		const left = responses.filter((r) => r.status === 200).map((r) => limitHeaders(r).remaining);
		expect(new Set(left).size).toBe(150);
		expect(Math.max(...left)).toBe(149);
		// Far fewer calls than requests: concurrent requests wait for one lease call.
		expect((await callsOf(limiterOf(key.id))).lease).toBeLessThanOrEqual(12);
	});

	it("keeps one call per request for a small bucket", async () => {
		const key = keyWith(1, 10);
		const app = appFor(key);
		for (let i = 0; i < 10; i++) expect((await app.get()).status).toBe(200);
		expect(await callsOf(limiterOf(key.id))).toMatchObject({ take: 10, lease: 0 });
	});

	it("ends a lease taken under other limits: a lowered burst applies on the next request", async () => {
		const key = hot(1000);
		for (let i = 0; i < 5; i++) expect((await appFor(key).get()).status).toBe(200);
		const lowered = { ...key, limits: { ...key.limits, burst: 200 } };
		const res = await appFor(lowered).get();
		expect(res.status).toBe(200);
		// The 95 unspent tokens went back, capped at the new capacity, and a new lease of 20 was taken.
		expect(limitHeaders(res)).toMatchObject({ limit: 200, remaining: 199 });
		expect((await callsOf(limiterOf(key.id))).lease).toBe(2);
	});

	it("never holds a lease longer than LEASE_SECONDS", async () => {
		const key = hot(1000);
		const app = appFor(key, { config: { LEASE_SECONDS: 1 } });
		expect((await app.get()).status).toBe(200);
		await new Promise((r) => setTimeout(r, 1100));
		expect((await app.get()).status).toBe(200);
		expect((await callsOf(limiterOf(key.id))).lease).toBe(2);
		// The first lease's 99 unspent tokens came back with the second call, which leased 100 again:
		// 1000 - 1 spent - 100 out on the new lease.
		expect((await limiterOf(key.id).report({ capacity: 1000, refillPerSecond: 1 / 60 }, 1)).bucket.remaining).toBe(899);
	});

	it("takes no lease when KEY_CACHE_SECONDS is 0 (a lease never outlives a trusted key record)", async () => {
		const key = hot(1000);
		const app = appFor(key, { config: { KEY_CACHE_SECONDS: 0 } });
		for (let i = 0; i < 3; i++) expect((await app.get()).status).toBe(200);
		expect(await callsOf(limiterOf(key.id))).toMatchObject({ take: 3, lease: 0 });
	});
});
