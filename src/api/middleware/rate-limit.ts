import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import type { BucketLimits, RateLimiterClient, TakeResult } from "../../durable-objects/rate-limiter";
import { ApiError } from "../../errors";
import { KeyStore } from "../../lib/key-store";
import { Lru } from "../../lib/lru";

/** Finds the rate limiter of a key: by default its own Durable Object, addressed by key id. */
export type LimiterFor = (env: Env, keyId: string) => RateLimiterClient;

const durableObjectLimiter: LimiterFor = (env, keyId) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(keyId));

// Keys known to be empty, and until when: refused inside the isolate without a Durable Object
// call. This only ever refuses, so it can never let more than the burst through.
// Bounded, so keys that never come back cannot grow it.
const emptyUntil = new Lru<string, number>(10_000);

/** Forgets the isolate's known-empty keys (tests). */
export const forgetEmptyKeys = () => emptyUntil.clear();

function setHeaders(c: Context<AppEnv>, result: TakeResult, windowSeconds: number) {
	c.header("RateLimit-Policy", `"burst";q=${result.limit};w=${windowSeconds}`);
	c.header("RateLimit", `"burst";r=${result.remaining};t=${result.resetSeconds}`);
	c.header("X-RateLimit-Limit", String(result.limit));
	c.header("X-RateLimit-Remaining", String(result.remaining));
	c.header("X-RateLimit-Reset", String(result.resetSeconds));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`rate limiter did not answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Holds each authenticated key to its token bucket (capacity = burst, refill =
 * requests_per_minute / 60 per second) and sets the IETF draft `RateLimit-Policy` / `RateLimit`
 * headers plus the common `X-RateLimit-*` ones; a refusal is a 429 problem with `Retry-After`.
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
		const limits: BucketLimits = { capacity: key.limits.burst, refillPerSecond: key.limits.requests_per_minute / 60 };
		const windowSeconds = Math.ceil(limits.capacity / limits.refillPerSecond);

		const now = Date.now();
		const until = emptyUntil.get(key.id);
		if (until !== undefined && until > now) {
			const wait = Math.ceil((until - now) / 1000);
			setHeaders(
				c,
				{
					allowed: false,
					remaining: 0,
					limit: limits.capacity,
					resetSeconds: windowSeconds,
					retryAfterSeconds: wait,
					touch: false,
				},
				windowSeconds,
			);
			throw tooMany(wait);
		}
		emptyUntil.delete(key.id);

		let result: TakeResult;
		try {
			result = await withTimeout(limiterFor(c.env, key.id).take(cost, limits), config.RATE_LIMIT_TIMEOUT_MS);
		} catch (error) {
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
			if (config.RATE_LIMIT_ON_ERROR === "open") return next();
			throw new ApiError("service_unavailable", "Rate limiting is unavailable; try again shortly.", {
				headers: { "Retry-After": "1" },
			});
		}
		setHeaders(c, result, windowSeconds);
		c.set("rateLimitRemaining", result.remaining);
		if (!result.allowed) {
			emptyUntil.set(key.id, Date.now() + result.retryAfterSeconds * 1000);
			throw tooMany(result.retryAfterSeconds);
		}
		if (result.touch && key.id !== "anonymous") c.executionCtx.waitUntil(new KeyStore(c.env.API_KEYS).touch(key.id));
		await next();
	});
};

const tooMany = (retryAfter: number) =>
	new ApiError("rate_limited", `This API key is over its rate limit; retry in ${retryAfter} s.`, {
		headers: { "Retry-After": String(retryAfter) },
		members: { retry_after: retryAfter },
	});
