import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../../../src/api/app";
import {
	forgetEmptyKeys,
	forgetIsolateLimits,
	type LimiterFor,
	rateLimit,
} from "../../../../src/api/middleware/rate-limit";
import { renderProblem, toApiError } from "../../../../src/api/problem";
import { type Config, getConfig } from "../../../../src/config";
import type { AuthenticatedKey } from "../../../../src/context";
import type { BucketLimits, RateLimiterClient, TakeResult } from "../../../../src/durable-objects/rate-limiter";
import { KV } from "../../../../src/lib/key-store";
import { secondsToMidnight, utcDay } from "../../../../src/limits/bucket";
import { age, callsOf, limiterOf, readBucket, usageRows, writeBucket } from "../../../helpers/limiter";

/** A key of its own per test, with the given limits. */
const keyWith = (requests_per_minute: number, burst: number, requests_per_day?: number): AuthenticatedKey => ({
	id: `key_rl${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`,
	name: "rate-limit test",
	scopes: ["read"],
	limits: { requests_per_minute, burst, ...(requests_per_day ? { requests_per_day } : {}) },
});

/**
 * The middleware under test in a small app: a fixed key and config, the real problem renderer,
 * and the real Durable Object unless a `limiterFor` is given.
 */
function appFor(
	key: AuthenticatedKey | undefined,
	options: { limiterFor?: LimiterFor; config?: Partial<Config> } = {},
) {
	const app = createApp();
	app.use(async (c, next) => {
		c.set("requestId", "rl-test");
		c.set("config", { ...getConfig(c.env), ...options.config });
		if (key) c.set("apiKey", key);
		await next();
	});
	app.use(rateLimit(options.limiterFor ? { limiterFor: options.limiterFor } : {}));
	app.get("/thing", (c) => c.text("ok"));
	app.get("/missing", () => {
		throw new Error("boom");
	});
	app.onError((error, c) => renderProblem(c, toApiError(error)));
	return {
		get: (path = "/thing", ctx: ExecutionContext = createExecutionContext()) => app.request(path, {}, env, ctx),
	};
}

/** The rate-limit headers of a response, as numbers where they are numbers. */
const limitHeaders = (res: Response) => ({
	policy: res.headers.get("RateLimit-Policy"),
	rateLimit: res.headers.get("RateLimit"),
	limit: Number(res.headers.get("X-RateLimit-Limit")),
	remaining: Number(res.headers.get("X-RateLimit-Remaining")),
	reset: Number(res.headers.get("X-RateLimit-Reset")),
});

/** A limiter over the real Durable Object that counts the calls made to it. */
function countingLimiter() {
	const counter = { calls: 0 };
	const limiterFor: LimiterFor = (_env, keyId) => {
		const real = limiterOf(keyId);
		return {
			take(cost, limits, carried) {
				counter.calls++;
				return real.take(cost, limits, carried);
			},
			lease(request) {
				counter.calls++;
				return real.lease(request);
			},
			record(usage) {
				counter.calls++;
				return real.record(usage);
			},
			report: (limits, days, carried) => real.report(limits, days, carried),
		};
	};
	return { counter, limiterFor };
}

beforeEach(() => forgetIsolateLimits());
afterEach(() => vi.restoreAllMocks());

describe("rateLimit headers", () => {
	it("counts down across a burst, then answers 429 problem+json with Retry-After", async () => {
		const key = keyWith(60, 3); // one token a second
		const app = appFor(key);
		const seen = [];
		for (let i = 0; i < 3; i++) {
			const res = await app.get();
			expect(res.status).toBe(200);
			seen.push(limitHeaders(res));
		}
		expect(seen).toEqual([
			{ policy: '"burst";q=3;w=3', rateLimit: '"burst";r=2;t=1', limit: 3, remaining: 2, reset: 1 },
			{ policy: '"burst";q=3;w=3', rateLimit: '"burst";r=1;t=2', limit: 3, remaining: 1, reset: 2 },
			{ policy: '"burst";q=3;w=3', rateLimit: '"burst";r=0;t=3', limit: 3, remaining: 0, reset: 3 },
		]);

		const refused = await app.get();
		expect(refused.status).toBe(429);
		expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
		expect(refused.headers.get("Retry-After")).toBe("1");
		expect(limitHeaders(refused)).toMatchObject({ limit: 3, remaining: 0 });
		expect(await refused.json()).toMatchObject({ status: 429, code: "rate_limited", retry_after: 1 });
	});

	it("shows the refill after time has passed", async () => {
		const key = keyWith(6, 4); // 0.1 token a second
		const app = appFor(key);
		for (let i = 0; i < 4; i++) expect((await app.get()).status).toBe(200);
		const refused = await app.get();
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(5);
		expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(10);

		await age(limiterOf(key.id), 25); // 2.5 tokens back
		forgetEmptyKeys(); // the isolate's note that the key is empty would outlive the simulated wait
		const res = await app.get();
		expect(res.status).toBe(200);
		expect(limitHeaders(res)).toEqual({
			policy: '"burst";q=4;w=40',
			rateLimit: '"burst";r=1;t=25',
			limit: 4,
			remaining: 1,
			reset: 25,
		});
	});

	it("keeps the headers on errors raised after the limiter", async () => {
		const res = await appFor(keyWith(60, 5)).get("/missing");
		expect(res.status).toBe(500);
		expect(limitHeaders(res)).toMatchObject({ limit: 5, remaining: 4 });
	});

	it("asks the limiter for the key's own limits", async () => {
		const asked: { keyId: string; cost: number; limits: BucketLimits }[] = [];
		const result: TakeResult = {
			allowed: true,
			refusedBy: null,
			quota: null,
			remaining: 9,
			limit: 10,
			resetSeconds: 1,
			retryAfterSeconds: 0,
			touch: false,
		};
		const key = keyWith(120, 10);
		const res = await appFor(key, {
			limiterFor: (_env, keyId) => ({
				take: async (cost, limits) => {
					asked.push({ keyId, cost, limits });
					return result;
				},
				lease: () => Promise.reject(new Error("a burst of 10 takes no lease")),
				record: (usage) => limiterOf(keyId).record(usage),
				report: (limits, days) => limiterOf(keyId).report(limits, days),
			}),
		}).get();
		expect(res.status).toBe(200);
		expect(asked).toEqual([
			{ keyId: key.id, cost: 1, limits: { capacity: 10, refillPerSecond: 2, perDay: undefined } },
		]);
		expect(res.headers.get("RateLimit-Policy")).toBe('"burst";q=10;w=5');
	});

	it("leaves requests without a key (public routes) alone", async () => {
		const { counter, limiterFor } = countingLimiter();
		const res = await appFor(undefined, { limiterFor }).get();
		expect(res.status).toBe(200);
		expect(counter.calls).toBe(0);
		expect(res.headers.get("RateLimit")).toBeNull();
	});
});

describe("rateLimit known-empty keys", () => {
	it("refuses a key known to be empty inside the isolate, without calling its limiter", async () => {
		const key = keyWith(1, 2);
		const { counter, limiterFor } = countingLimiter();
		const app = appFor(key, { limiterFor });
		expect((await app.get()).status).toBe(200);
		expect((await app.get()).status).toBe(200);
		expect((await app.get()).status).toBe(429);
		expect(counter.calls).toBe(3);

		// Even with the bucket full again, the isolate keeps refusing until the retry time.
		await writeBucket(limiterOf(key.id), { tokens: 2, updatedAt: Date.now(), touchedAt: 0, idleAt: Date.now() });
		for (let i = 0; i < 5; i++) {
			const res = await app.get();
			expect(res.status).toBe(429);
			expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
			expect(limitHeaders(res)).toMatchObject({ limit: 2, remaining: 0 });
			expect(res.headers.get("Content-Type")).toBe("application/problem+json");
		}
		expect(counter.calls).toBe(3);

		forgetEmptyKeys();
		expect((await app.get()).status).toBe(200);
		expect(counter.calls).toBe(4);
	});
});

describe("rateLimit last use", () => {
	it("records the key's last use through waitUntil, at most once a minute", async () => {
		const key = keyWith(60, 10);
		const app = appFor(key);
		const pending: Promise<unknown>[] = [];
		const ctx = {
			waitUntil: (promise: Promise<unknown>) => pending.push(promise),
			passThroughOnException: () => {},
			props: {},
		} as unknown as ExecutionContext;

		expect((await app.get("/thing", ctx)).status).toBe(200);
		expect(pending).toHaveLength(1);
		await Promise.all(pending);
		const first = await env.API_KEYS.get(KV.lastUsed(key.id));
		expect(first).not.toBeNull();
		expect(Date.parse(first ?? "")).toBeGreaterThan(Date.now() - 60_000);

		for (let i = 0; i < 3; i++) expect((await app.get("/thing", ctx)).status).toBe(200);
		expect(pending).toHaveLength(1);

		await age(limiterOf(key.id), 61);
		const later = createExecutionContext();
		expect((await app.get("/thing", later)).status).toBe(200);
		await env.API_KEYS.delete(KV.lastUsed(key.id));
		await waitOnExecutionContext(later);
		// Deleted above, so only a write after the response can have put it back.
		expect(await env.API_KEYS.get(KV.lastUsed(key.id))).not.toBeNull();
	});

	it("never records a last use for the anonymous key of AUTH_ENABLED=false", async () => {
		const anonymous: AuthenticatedKey = { ...keyWith(60, 10), id: "anonymous" };
		const ctx = createExecutionContext();
		await writeBucket(limiterOf("anonymous"), { tokens: 10, updatedAt: Date.now(), touchedAt: 0, idleAt: Date.now() });
		expect((await appFor(anonymous).get("/thing", ctx)).status).toBe(200);
		await waitOnExecutionContext(ctx);
		expect((await readBucket(limiterOf("anonymous")))?.touchedAt).toBeGreaterThan(0);
		expect(await env.API_KEYS.get(KV.lastUsed("anonymous"))).toBeNull();
	});
});

describe("rateLimit when the limiter cannot answer", () => {
	const failing: RateLimiterClient = {
		take: () => Promise.reject(new Error("limiter exploded")),
		lease: () => Promise.reject(new Error("limiter exploded")),
		record: () => Promise.reject(new Error("limiter exploded")),
		report: () => Promise.reject(new Error("limiter exploded")),
	};
	const hanging: RateLimiterClient = {
		take: () => new Promise(() => {}),
		lease: () => new Promise(() => {}),
		record: () => new Promise(() => {}),
		report: () => new Promise(() => {}),
	};

	for (const [what, limiter] of [
		["rejects", failing],
		["never answers", hanging],
	] as const) {
		it(`lets the request through when it ${what} and RATE_LIMIT_ON_ERROR=open, with a warning`, async () => {
			const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
			const key = keyWith(60, 10);
			const res = await appFor(key, {
				limiterFor: () => limiter,
				config: { RATE_LIMIT_ON_ERROR: "open", RATE_LIMIT_TIMEOUT_MS: 20 },
			}).get();
			expect(res.status).toBe(200);
			expect(await res.text()).toBe("ok");
			expect(res.headers.get("RateLimit")).toBeNull();
			expect(warn).toHaveBeenCalledTimes(1);
			expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({
				level: "warn",
				msg: "rate limiter unavailable",
				mode: "open",
				key_id: key.id,
			});
		});

		it(`refuses with a 503 problem when it ${what} and RATE_LIMIT_ON_ERROR=closed, with a warning`, async () => {
			const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
			const key = keyWith(60, 10);
			const res = await appFor(key, {
				limiterFor: () => limiter,
				config: { RATE_LIMIT_ON_ERROR: "closed", RATE_LIMIT_TIMEOUT_MS: 20 },
			}).get();
			expect(res.status).toBe(503);
			expect(res.headers.get("Content-Type")).toBe("application/problem+json");
			expect(res.headers.get("Retry-After")).toBe("1");
			const body = await res.text();
			expect(JSON.parse(body)).toMatchObject({ status: 503, code: "service_unavailable" });
			expect(body).not.toContain("exploded");
			expect(warn).toHaveBeenCalledTimes(1);
			expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({ mode: "closed", key_id: key.id });
		});
	}

	it("defaults to closed", () => {
		expect(getConfig({ ...env, RATE_LIMIT_ON_ERROR: undefined } as unknown as Env).RATE_LIMIT_ON_ERROR).toBe("closed");
	});
});

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
