import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requestDataPoint, runDataPoint, writeMetrics } from "../../../src/lib/metrics";

describe("Analytics Engine data points", () => {
	it("lays a request out as the README's queries expect", () => {
		expect(
			requestDataPoint({
				route: "/v1/fair-price",
				method: "POST",
				status: 503,
				latency_ms: 12,
				cache: null,
				model_version: null,
				signal: null,
			}),
		).toEqual({
			indexes: ["request"],
			blobs: ["/v1/fair-price", "POST", "5xx", "", "", ""],
			doubles: [503, 12, 1],
		});
	});

	it("lays a run out with its outcome and duration", () => {
		expect(
			runDataPoint({
				run_id: "nightly-2026-11-27",
				source: "live",
				status: "complete",
				trigger: "cron",
				model_version: "v1",
				duration_ms: 5000,
				promoted: true,
			}),
		).toEqual({
			indexes: ["run"],
			blobs: ["live", "complete", "cron", "v1", "nightly-2026-11-27"],
			doubles: [5000, 1, 0],
		});
	});

	it("writes to the real local dataset binding without failing, and tolerates a missing one", () => {
		expect(env.METRICS).toBeDefined();
		expect(() =>
			writeMetrics(
				env.METRICS,
				runDataPoint({
					run_id: "r",
					source: "s",
					status: "failed",
					trigger: "api",
					model_version: null,
					duration_ms: 1,
					promoted: false,
				}),
			),
		).not.toThrow();
		expect(() => writeMetrics(undefined, { indexes: ["x"] })).not.toThrow();
	});
});
