import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { requestDataPoint, writeMetrics } from "../../lib/metrics";

/** The fields of the one structured log line written per request. */
export type RequestLogLine = {
	level: "info" | "warn" | "error";
	msg: "request";
	request_id: string;
	key_id: string | null;
	method: string;
	route: string;
	path: string;
	status: number;
	latency_ms: number;
	cache: "hit" | "miss" | null;
	model_version: string | null;
	ratelimit_remaining: number | null;
	signal: string | null;
};

/**
 * A line's level: `error` for a fault of the service, `warn` for a refused request and for 503,
 * which the API answers on purpose (no model published yet, a dependency down) with Retry-After.
 */
export const levelOf = (status: number): RequestLogLine["level"] =>
	status >= 500 && status !== 503 ? "error" : status >= 400 ? "warn" : "info";

/**
 * Writes one JSON line per request for `wrangler tail --format json` and Workers Logs: request
 * id, key id (never the key), matched route, status, latency, cache outcome, model version,
 * signal and rate-limit remaining. Nothing from headers or bodies is logged. The same figures go
 * to the Analytics Engine dataset (METRICS) as one data point, every request. With
 * `REQUEST_LOG=problems` only 4xx and 5xx lines are written.
 */
export const requestLog = (options: { write?: (line: RequestLogLine) => void } = {}) => {
	const write = options.write ?? ((line: RequestLogLine) => console.log(JSON.stringify(line)));
	return createMiddleware<AppEnv>(async function requestLog(c, next) {
		const started = Date.now();
		await next();
		const status = c.res.status;
		const line: RequestLogLine = {
			level: levelOf(status),
			msg: "request",
			request_id: c.get("requestId"),
			key_id: c.get("apiKey")?.id ?? null,
			method: c.req.method,
			route: c.req.routePath,
			path: c.req.path,
			status,
			latency_ms: Date.now() - started,
			cache: c.get("cache") ?? null,
			model_version: c.get("modelVersion") ?? null,
			ratelimit_remaining: c.get("rateLimitRemaining") ?? null,
			signal: c.get("signal") ?? null,
		};
		// REQUEST_LOG=problems (local development) keeps only refused and failed requests' lines.
		if (status >= 400 || c.get("config")?.REQUEST_LOG !== "problems") write(line);
		writeMetrics(c.env.METRICS, requestDataPoint(line));
	});
};
