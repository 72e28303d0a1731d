import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetEmptyKeys, forgetIsolateLimits } from "../../../../src/api/middleware/rate-limit";
import { getConfig } from "../../../../src/config";
import type { AuthenticatedKey } from "../../../../src/context";
import { KV } from "../../../../src/keys/store";
import type { BucketLimits, TakeResult } from "../../../../src/limits/bucket";
import type { RateLimiterClient } from "../../../../src/limits/types";
import { age, limiterOf, readBucket, writeBucket } from "../../../helpers/limiter";
import { appFor, countingLimiter, keyWith, limitHeaders } from "../../../helpers/rate-limit-app";

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
