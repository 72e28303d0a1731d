import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { KeyStore } from "../../keys/store";
import { Lru } from "../../lib/lru";
import type { TakeResult } from "../../limits/bucket";
import { secondsToMidnight } from "../../limits/bucket";
import { leaseBook, leaseMsFor, leaseSize, limitsOf, limitsSignature, usageBuffer } from "../../limits/isolate";
import type { Carried, RateLimiterClient } from "../../limits/types";

/** Finds the rate limiter of a key: by default its own Durable Object, addressed by key id. */
export type LimiterFor = (env: Env, keyId: string) => RateLimiterClient;

/** The key's own Durable Object. */
export const durableObjectLimiter: LimiterFor = (env, keyId) =>
	env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(keyId));

// Keys known to be empty, until when, under which limits and why: refused inside the isolate
// without a Durable Object call. This only ever refuses, so it can never let more through than
// the limits allow; a change of limits (a raised quota) ends it. Bounded, so keys that never
// come back cannot grow it.
const emptyUntil = new Lru<string, { until: number; sig: string; result: TakeResult }>(10_000);

/** Forgets the isolate's known-empty keys (tests). */
export const forgetEmptyKeys = () => emptyUntil.clear();

/** Forgets the isolate's known-empty keys, leases and unsent counts (tests). */
export const forgetIsolateLimits = () => {
	emptyUntil.clear();
	leaseBook.clear();
	usageBuffer.clear();
};

function setHeaders(c: Context<AppEnv>, result: TakeResult, windowSeconds: number) {
	let policy = `"burst";q=${result.limit};w=${windowSeconds}`;
	let state = `"burst";r=${result.remaining};t=${result.resetSeconds}`;
	if (result.quota) {
		policy += `, "day";q=${result.quota.limit};w=86400`;
		state += `, "day";r=${result.quota.remaining};t=${result.quota.resetSeconds}`;
	}
	c.header("RateLimit-Policy", policy);
	c.header("RateLimit", state);
	c.header("X-RateLimit-Limit", String(result.limit));
	c.header("X-RateLimit-Remaining", String(result.remaining));
	c.header("X-RateLimit-Reset", String(result.resetSeconds));
}

/** Rejects after `ms`; the timer never outlives the race. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`rate limiter did not answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The matched route pattern (the last handler's), for the usage counts; never the raw path. */
const routeOf = (c: Context<AppEnv>) => {
	const route = routePath(c, -1);
	return route === "/*" || route === "*" ? "(no route)" : route;
};

/**
 * Holds each authenticated key to its token bucket (capacity = burst, refill =
 * requests_per_minute / 60 per second) and its optional daily quota (`requests_per_day`, UTC
 * days), and sets the IETF draft `RateLimit-Policy` / `RateLimit` headers (a `"burst"` policy,
 * and a `"day"` one with a quota) plus the `X-RateLimit-*` ones of the bucket. A refusal is a 429
 * problem with `Retry-After`: `rate_limited` for the bucket, `quota_exceeded` until midnight UTC.
 *
 * Keys with a burst of at least LEASE_MIN_BURST spend from a lease of tokens (LeaseBook) and
 * make one Durable Object call per lease, not per request; smaller ones make one per request.
 * Requests are counted per key, day and route in the isolate and sent in batches (with a call
 * being made anyway, or on their own via waitUntil) at most every USAGE_FLUSH_SECONDS.
 * If the limiter cannot answer within RATE_LIMIT_TIMEOUT_MS the request is let through
 * (RATE_LIMIT_ON_ERROR=open) or refused with 503 (closed); either way it is logged.
 */
export const rateLimit = (options: { limiterFor?: LimiterFor; cost?: number } = {}) => {
	const limiterFor = options.limiterFor ?? durableObjectLimiter;
	const cost = options.cost ?? 1;
	return createMiddleware<AppEnv>(async function rateLimit(c, next) {
		const key = c.get("apiKey");
		if (!key) return next();
		const config = c.get("config");
		const limits = limitsOf(key);
		const sig = limitsSignature(limits);
		const windowSeconds = Math.ceil(limits.capacity / limits.refillPerSecond);
		const flushMs = config.USAGE_FLUSH_SECONDS * 1000;
		const limiter = limiterFor(c.env, key.id);
		// Counts go with a call made anyway once they are due; otherwise on their own after the response.
		const flushLater = () => {
			if (!usageBuffer.due(key.id, flushMs)) return;
			const usage = usageBuffer.drain(key.id);
			c.executionCtx.waitUntil(
				limiter.record(usage ?? []).catch((error: unknown) => {
					usageBuffer.restore(key.id, usage);
					console.warn(
						JSON.stringify({ level: "warn", msg: "usage flush failed", key_id: key.id, error: String(error) }),
					);
				}),
			);
		};

		const now = Date.now();
		const empty = emptyUntil.get(key.id);
		if (empty && empty.sig === sig && empty.until > now) {
			const wait = Math.ceil((empty.until - now) / 1000);
			const quota = empty.result.quota ? { ...empty.result.quota, resetSeconds: secondsToMidnight(now) } : null;
			setHeaders(
				c,
				{ ...empty.result, remaining: 0, resetSeconds: windowSeconds, retryAfterSeconds: wait, touch: false, quota },
				windowSeconds,
			);
			usageBuffer.count(key.id, routeOf(c), true, now);
			flushLater();
			throw refusal(empty.result.refusedBy, wait);
		}
		emptyUntil.delete(key.id);

		let carried: Carried = {};
		const carry = (extra: Carried = {}): Carried => {
			carried = { ...extra, usage: usageBuffer.due(key.id, flushMs) ? usageBuffer.drain(key.id) : undefined };
			return carried;
		};
		let result: TakeResult;
		try {
			const leaseMs = leaseMsFor(config, limits);
			result =
				leaseMs > 0
					? await leaseBook.spend(
							key.id,
							sig,
							cost,
							limits,
							(returned) =>
								withTimeout(
									limiter.lease({
										min: cost,
										want: leaseSize(config, limits, cost),
										leaseMs,
										limits,
										...carry({ returned }),
									}),
									config.RATE_LIMIT_TIMEOUT_MS,
								),
							config.RATE_LIMIT_TIMEOUT_MS,
						)
					: // A lease left from larger limits goes back with the take.
						await withTimeout(
							limiter.take(cost, limits, carry({ returned: leaseBook.surrender(key.id) })),
							config.RATE_LIMIT_TIMEOUT_MS,
						);
		} catch (error) {
			usageBuffer.restore(key.id, carried.usage);
			console.warn(
				JSON.stringify({
					level: "warn",
					msg: "rate limiter unavailable",
					mode: config.RATE_LIMIT_ON_ERROR,
					key_id: key.id,
					request_id: c.get("requestId"),
					error: String(error),
				}),
			);
			if (config.RATE_LIMIT_ON_ERROR === "open") {
				await next();
				usageBuffer.count(key.id, routeOf(c), false);
				return;
			}
			throw new ApiError("service_unavailable", "Rate limiting is unavailable; try again shortly.", {
				headers: { "Retry-After": "1" },
			});
		}
		setHeaders(c, result, windowSeconds);
		c.set("rateLimitRemaining", result.remaining);
		if (!result.allowed) {
			emptyUntil.set(key.id, { until: Date.now() + result.retryAfterSeconds * 1000, sig, result });
			usageBuffer.count(key.id, routeOf(c), true);
			flushLater();
			throw refusal(result.refusedBy, result.retryAfterSeconds);
		}
		if (result.touch && key.id !== "anonymous") c.executionCtx.waitUntil(new KeyStore(c.env.API_KEYS).touch(key.id));
		await next();
		usageBuffer.count(key.id, routeOf(c), false);
		flushLater();
	});
};

const refusal = (by: TakeResult["refusedBy"], retryAfter: number) =>
	by === "quota"
		? new ApiError(
				"quota_exceeded",
				`This API key has used its daily quota; it renews at 00:00 UTC, in ${retryAfter} s.`,
				{ headers: { "Retry-After": String(retryAfter) }, members: { retry_after: retryAfter } },
			)
		: new ApiError("rate_limited", `This API key is over its rate limit; retry in ${retryAfter} s.`, {
				headers: { "Retry-After": String(retryAfter) },
				members: { retry_after: retryAfter },
			});
