import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/api/app";
import { type LimiterFor, rateLimit } from "../../src/api/middleware/rate-limit";
import { renderProblem, toApiError } from "../../src/api/problem";
import { type Config, getConfig } from "../../src/config";
import type { AuthenticatedKey } from "../../src/context";
import { limiterOf } from "./limiter";

/** The rate-limit middleware in a small app, for the middleware's tests (test/unit/api/middleware/rate-limit*.test.ts). */
/** A key of its own per test, with the given limits. */
export const keyWith = (requests_per_minute: number, burst: number, requests_per_day?: number): AuthenticatedKey => ({
	id: `key_rl${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`,
	name: "rate-limit test",
	scopes: ["read"],
	limits: { requests_per_minute, burst, ...(requests_per_day ? { requests_per_day } : {}) },
});

/**
 * The middleware under test in a small app: a fixed key and config, the real problem renderer,
 * and the real Durable Object unless a `limiterFor` is given.
 */
export function appFor(
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
export const limitHeaders = (res: Response) => ({
	policy: res.headers.get("RateLimit-Policy"),
	rateLimit: res.headers.get("RateLimit"),
	limit: Number(res.headers.get("X-RateLimit-Limit")),
	remaining: Number(res.headers.get("X-RateLimit-Remaining")),
	reset: Number(res.headers.get("X-RateLimit-Reset")),
});

/** A limiter over the real Durable Object that counts the calls made to it. */
export function countingLimiter() {
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
