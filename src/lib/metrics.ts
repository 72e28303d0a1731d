/**
 * Workers Analytics Engine data points: one per request and one per pipeline run, written to the
 * METRICS dataset. The column layout is the contract the README's SQL queries rely on:
 *
 * | column  | request                    | run                               |
 * | ------- | -------------------------- | --------------------------------- |
 * | index1  | "request"                  | "run"                             |
 * | blob1   | route (matched pattern)    | source (sample, live, file, …)    |
 * | blob2   | method                     | status (complete, rejected, …)    |
 * | blob3   | status class ("2xx", …)    | trigger (cron, api, cli, start)   |
 * | blob4   | cache ("hit", "miss", "")  | model version it published with   |
 * | blob5   | model version ("" none)    | run id                            |
 * | blob6   | signal (BUY/SELL/HOLD, "") |                                   |
 * | double1 | HTTP status                | duration in ms                    |
 * | double2 | latency in ms              | 1 when promoted, else 0           |
 * | double3 | 1 when status >= 500       | 1 when failed, else 0             |
 *
 * Nothing secret goes in: the key id is not written either (it is in the logs for tracing).
 */

/** What a request contributes. */
export type RequestMetrics = {
	route: string;
	method: string;
	status: number;
	latency_ms: number;
	cache: "hit" | "miss" | null;
	model_version: string | null;
	signal: string | null;
};

/** What a pipeline run contributes. */
export type RunMetrics = {
	run_id: string;
	source: string;
	status: string;
	trigger: string;
	model_version: string | null;
	duration_ms: number;
	promoted: boolean;
};

/** The data point of one request. */
export function requestDataPoint(m: RequestMetrics): AnalyticsEngineDataPoint {
	return {
		indexes: ["request"],
		blobs: [m.route, m.method, `${Math.floor(m.status / 100)}xx`, m.cache ?? "", m.model_version ?? "", m.signal ?? ""],
		doubles: [m.status, m.latency_ms, m.status >= 500 ? 1 : 0],
	};
}

/** The data point of one pipeline run. */
export function runDataPoint(m: RunMetrics): AnalyticsEngineDataPoint {
	return {
		indexes: ["run"],
		blobs: [m.source, m.status, m.trigger, m.model_version ?? "", m.run_id],
		doubles: [m.duration_ms, m.promoted ? 1 : 0, m.status === "failed" ? 1 : 0],
	};
}

/** Writes a data point if the dataset is bound; metrics never fail the work they describe. */
export function writeMetrics(dataset: AnalyticsEngineDataset | undefined, point: AnalyticsEngineDataPoint): void {
	try {
		dataset?.writeDataPoint(point);
	} catch (error) {
		console.warn(JSON.stringify({ level: "warn", msg: "analytics engine write failed", error: String(error) }));
	}
}
