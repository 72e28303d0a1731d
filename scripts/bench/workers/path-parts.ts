/**
 * The benchmark harness's breakdown Worker (`npm run bench -- wrangler`), run by `wrangler dev`
 * with the project's own wrangler.toml. The `x-bench-variant` request header picks an app that
 * leaves out parts of the authenticated path, one more per variant, so the throughput
 * differences between them say what each part costs:
 *
 *   full        the project's middleware stack and the fair-price routes, as src/index.ts
 *   no-ae       without the Analytics Engine data point (the log line stays)
 *   no-log      without the request log line either
 *   no-limiter  without the rate limiter either
 *   no-auth     without the key check either
 *   no-memo     the same answer object, computed once, answered with c.json (no serving state, no memo)
 *   no-json     the same answer pre-serialised once, answered with c.body (no JSON.stringify)
 *
 * Every variant is built once per isolate. The full variant repeats src/index.ts's order of
 * middleware; the harness measures src/index.ts itself in its own run, to check that both agree.
 */
import type { Context, MiddlewareHandler } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { createApp } from "../../../src/api/app";
import { authenticate } from "../../../src/api/middleware/auth";
import { bodyLimit } from "../../../src/api/middleware/body-limit";
import { loadConfig } from "../../../src/api/middleware/config";
import { rateLimit } from "../../../src/api/middleware/rate-limit";
import { requestLog } from "../../../src/api/middleware/request-log";
import { corsPolicy, securityHeaders } from "../../../src/api/middleware/security";
import { renderProblem, toApiError } from "../../../src/api/problem";
import { fairPriceRoutes } from "../../../src/api/routes/fair-price";
import type { AppEnv } from "../../../src/context";
import { ApiError } from "../../../src/errors";
import { memoFairPrice } from "../../../src/serving/fair-price";

export { KeyWriter } from "../../../src/keys/key-writer";
export { RateLimiter } from "../../../src/limits/rate-limiter";
export { PricePipeline } from "../../../src/pipeline/pipeline-workflow";
export { HistorySeed } from "../../../src/pipeline/seed-workflow";

const VARIANTS = ["full", "no-ae", "no-log", "no-limiter", "no-auth", "no-memo", "no-json"] as const;
type Variant = (typeof VARIANTS)[number];

/** The answer the no-memo and no-json variants send, computed on their first request. */
let fixed: { body: unknown; text: string } | undefined;

async function fixedAnswer(c: Context<AppEnv>) {
	if (!fixed) {
		const { result } = await memoFairPrice(c.env, c.get("config"), c.req.param("card_id") as string, undefined, (p) =>
			c.executionCtx.waitUntil(p),
		);
		fixed = { body: result, text: JSON.stringify(result) };
	}
	return fixed;
}

function build(variant: Variant) {
	const at = VARIANTS.indexOf(variant);
	const without = (v: Variant) => at >= VARIANTS.indexOf(v);
	const app = createApp();
	const skip: MiddlewareHandler<AppEnv> = (_c, next) => next();
	app.use(requestId({ headerName: "X-Request-ID", limitLength: 128 }));
	app.use(without("no-log") ? skip : requestLog());
	app.use(
		methodNotAllowed({
			app,
			onMethodNotAllowed: (c, methods) =>
				renderProblem(
					c,
					new ApiError(
						"method_not_allowed",
						`${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(", ")}.`,
						{
							headers: { Allow: methods.join(", ") },
						},
					),
				),
		}),
	);
	app.use(loadConfig());
	app.use(securityHeaders());
	app.use(corsPolicy());
	app.use(bodyLimit());
	app.use(without("no-auth") ? skip : authenticate());
	app.use(without("no-limiter") ? skip : rateLimit());
	if (without("no-json"))
		app.get("/v1/cards/:card_id/fair-price", async (c) =>
			c.body((await fixedAnswer(c)).text, 200, { "Content-Type": "application/json" }),
		);
	else if (without("no-memo"))
		app.get("/v1/cards/:card_id/fair-price", async (c) => c.json((await fixedAnswer(c)).body as object, 200));
	else app.route("/", fairPriceRoutes);
	app.notFound((c) => renderProblem(c, new ApiError("not_found", `No route for ${c.req.path}.`)));
	app.onError((error, c) => renderProblem(c, toApiError(error)));
	return app;
}

const apps = new Map<Variant, ReturnType<typeof build>>();

export default {
	fetch(request, env, ctx) {
		const asked = (request.headers.get("x-bench-variant") ?? "full") as Variant;
		const variant = VARIANTS.includes(asked) ? asked : "full";
		let app = apps.get(variant);
		if (!app) {
			app = build(variant);
			apps.set(variant, app);
		}
		// The no-ae variant's requestLog still writes to METRICS unless the binding is absent.
		return app.fetch(request, variant === "full" ? env : withoutMetrics(env), ctx);
	},
	// wrangler.toml names a queue consumer; the bench sends no webhook, so nothing arrives here.
	async queue() {},
} satisfies ExportedHandler<Env>;

// One env object per isolate without the dataset (config is parsed once per env object).
let bare: { from: Env; env: Env } | undefined;
function withoutMetrics(env: Env): Env {
	if (bare?.from !== env) bare = { from: env, env: { ...env, METRICS: undefined } as unknown as Env };
	return bare.env;
}
