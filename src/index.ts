import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { createApp } from "./api/app";
import { authenticate } from "./api/middleware/auth";
import { bodyLimit } from "./api/middleware/body-limit";
import { loadConfig } from "./api/middleware/config";
import { rateLimit } from "./api/middleware/rate-limit";
import { requestLog } from "./api/middleware/request-log";
import { corsPolicy, securityHeaders } from "./api/middleware/security";
import { renderProblem, toApiError } from "./api/problem";
import { adminHistoryRoutes } from "./api/routes/admin-history";
import { adminImportRoutes } from "./api/routes/admin-imports";
import { adminKeyRoutes } from "./api/routes/admin-keys";
import { adminModelRoutes } from "./api/routes/admin-models";
import { adminRunRoutes } from "./api/routes/admin-runs";
import { adminStatsRoutes } from "./api/routes/admin-stats";
import { cardRoutes } from "./api/routes/cards";
import { mountDocs } from "./api/routes/docs";
import { fairPriceRoutes } from "./api/routes/fair-price";
import { healthRoutes } from "./api/routes/health";
import { legacyRoutes } from "./api/routes/legacy";
import { modelRoutes } from "./api/routes/models";
import { runRoutes } from "./api/routes/runs";
import { signalRoutes } from "./api/routes/signals";
import { trackRecordRoutes } from "./api/routes/track-record";
import { usageRoutes } from "./api/routes/usage";
import { webhookDeliveryRoutes } from "./api/routes/webhook-deliveries";
import { webhookRoutes } from "./api/routes/webhooks";
import { getConfig } from "./config";
import { ApiError } from "./errors";
import { scheduled } from "./pipeline/schedule";
import { handleWebhookBatch } from "./webhooks/delivery";

export { KeyWriter } from "./keys/key-writer";
export { RateLimiter } from "./limits/rate-limiter";
export { PricePipeline } from "./pipeline/pipeline-workflow";
export { HistorySeed } from "./pipeline/seed-workflow";

/** The root app: middleware, every sub-app, one error renderer. */
export const app = createApp();

app.use(requestId({ headerName: "X-Request-ID", limitLength: 128 }));
app.use(requestLog());
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
app.use(authenticate());
app.use(rateLimit());

app.route("/", healthRoutes);
app.route("/", fairPriceRoutes);
app.route("/", cardRoutes);
app.route("/", signalRoutes);
app.route("/", trackRecordRoutes);
app.route("/", legacyRoutes);
app.route("/", webhookRoutes);
app.route("/", webhookDeliveryRoutes);
app.route("/", runRoutes);
app.route("/", modelRoutes);
app.route("/", usageRoutes);
app.route("/", adminKeyRoutes);
app.route("/", adminRunRoutes);
app.route("/", adminModelRoutes);
app.route("/", adminImportRoutes);
app.route("/", adminHistoryRoutes);
app.route("/", adminStatsRoutes);
mountDocs(app);

app.notFound((c) =>
	renderProblem(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}. See /docs.`)),
);
app.onError((error, c) => {
	const apiError = toApiError(error);
	// Expected 5xx answers (no model yet, limiter down) are in the request log; only faults get a trace.
	if (apiError.code === "internal") {
		console.error(
			JSON.stringify({
				level: "error",
				request_id: c.get("requestId"),
				route: c.req.path,
				error: String(error),
				stack: error.stack,
			}),
		);
	}
	return renderProblem(c, apiError);
});

export default {
	fetch: app.fetch,
	scheduled,
	/** Webhook deliveries and their dead letters (src/webhooks/delivery.ts). */
	queue: (batch, env) => handleWebhookBatch(batch, env, getConfig(env)),
} satisfies ExportedHandler<Env>;
