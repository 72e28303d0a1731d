import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetIsolateLimits } from "../../../../src/api/middleware/rate-limit";
import { secondsToMidnight, utcDay } from "../../../../src/limits/bucket";
import { callsOf, limiterOf, usageRows } from "../../../helpers/limiter";
import { appFor, keyWith, limitHeaders } from "../../../helpers/rate-limit-app";

beforeEach(() => forgetIsolateLimits());
afterEach(() => vi.restoreAllMocks());

describe("rateLimit daily quota", () => {
	it("announces a second policy and refuses with quota_exceeded until midnight UTC", async () => {
		const key = keyWith(600, 10, 3);
		const app = appFor(key);
		const seen = [];
		for (let i = 0; i < 3; i++) {
			const res = await app.get();
			expect(res.status).toBe(200);
			seen.push(limitHeaders(res));
		}
		const toMidnight = secondsToMidnight(Date.now());
		expect(seen[0]?.policy).toBe('"burst";q=10;w=1, "day";q=3;w=86400');
		expect(seen.map((h) => h.rateLimit?.split(", ")[1]?.replace(/t=\d+/, "t=T"))).toEqual([
			'"day";r=2;t=T',
			'"day";r=1;t=T',
			'"day";r=0;t=T',
		]);
		const refused = await app.get();
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
		const retry = Number(refused.headers.get("Retry-After"));
		expect(retry).toBeGreaterThanOrEqual(toMidnight - 2);
		expect(retry).toBeLessThanOrEqual(toMidnight);
		expect(await refused.json()).toMatchObject({
			status: 429,
			code: "quota_exceeded",
			title: "Daily quota exhausted",
			retry_after: retry,
		});
		expect(limitHeaders(refused).rateLimit).toMatch(/"day";r=0;t=\d+$/);
		// Refused inside the isolate from now on, with the same problem.
		const again = await app.get();
		expect(again.status).toBe(429);
		expect(await again.json()).toMatchObject({ code: "quota_exceeded" });
		expect((await callsOf(limiterOf(key.id))).take).toBe(4);
	});

	it("applies a raised quota at once, though the isolate knew the key as empty", async () => {
		const key = keyWith(600, 10, 1);
		expect((await appFor(key).get()).status).toBe(200);
		expect((await appFor(key).get()).status).toBe(429);
		const raised = { ...key, limits: { ...key.limits, requests_per_day: 5 } };
		const res = await appFor(raised).get();
		expect(res.status).toBe(200);
		expect(res.headers.get("RateLimit")).toMatch(/"day";r=3;t=\d+$/);
	});

	it("bounds a hot key's leases by the quota", async () => {
		const key = keyWith(1, 1000, 120); // leases of min(100, 12)
		const app = appFor(key, { config: { RATE_LIMIT_TIMEOUT_MS: 10_000 } });
		const statuses = (await Promise.all(Array.from({ length: 200 }, () => app.get()))).map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(120);
		expect(statuses.filter((s) => s === 429)).toHaveLength(80);
	});
});

describe("rateLimit usage counts", () => {
	const today = utcDay(Date.now());

	it("counts requests per route in the isolate and sends them in one batch, not one write per request", async () => {
		const key = keyWith(1, 10);
		const app = appFor(key);
		for (let i = 0; i < 4; i++) await app.get();
		await app.get("/missing"); // a 500, but admitted: counted on its route
		// Nothing stored yet: the counts wait in the isolate until USAGE_FLUSH_SECONDS have passed.
		expect(await usageRows(limiterOf(key.id))).toEqual([]);
		const flushing = appFor(key, { config: { USAGE_FLUSH_SECONDS: 1 } });
		await new Promise((r) => setTimeout(r, 1000));
		const ctx = createExecutionContext();
		await flushing.get("/thing", ctx);
		await waitOnExecutionContext(ctx);
		// The batch went with that request's take; its own count waits for the next batch.
		expect(await usageRows(limiterOf(key.id))).toEqual([
			{ day: today, route: "/missing", requests: 1, refused: 0 },
			{ day: today, route: "/thing", requests: 4, refused: 0 },
		]);
		// One call per request for the bucket, none at all for the counts: they went with a take.
		expect(await callsOf(limiterOf(key.id))).toMatchObject({ take: 6, record: 0 });
	});

	it("sends the counts on their own after the response when no call is made (a leased key)", async () => {
		const key = keyWith(1, 1000);
		const app = appFor(key, { config: { USAGE_FLUSH_SECONDS: 1 } });
		for (let i = 0; i < 20; i++) await app.get();
		await new Promise((r) => setTimeout(r, 1000));
		const ctx = createExecutionContext();
		await app.get("/thing", ctx);
		await waitOnExecutionContext(ctx);
		expect(await usageRows(limiterOf(key.id))).toEqual([{ day: today, route: "/thing", requests: 21, refused: 0 }]);
		expect(await callsOf(limiterOf(key.id))).toMatchObject({ lease: 1, record: 1, take: 0 });
	});
});

describe("rateLimit refused requests in the counts", () => {
	it("counts refusals on their route, also those refused inside the isolate", async () => {
		const key = keyWith(1, 2);
		const app = appFor(key, { config: { USAGE_FLUSH_SECONDS: 1 } });
		for (let i = 0; i < 5; i++) await app.get();
		await new Promise((r) => setTimeout(r, 1000));
		const ctx = createExecutionContext();
		expect((await app.get("/thing", ctx)).status).toBe(429);
		await waitOnExecutionContext(ctx);
		expect(await usageRows(limiterOf(key.id))).toEqual([
			// A refusal is counted before the flush, so the last one is in this batch too.
			{ day: utcDay(Date.now()), route: "/thing", requests: 2, refused: 4 },
		]);
		// Two admitted and one refused take; the other refusals made no call, the batch one record.
		expect(await callsOf(limiterOf(key.id))).toMatchObject({ take: 3, record: 1 });
	});
});
