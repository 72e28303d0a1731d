import { describe, expect, it } from "vitest";
import { runFigures } from "../../../src/dashboard/run-figures";
import type { RunDetail } from "../../../src/dashboard/types";

const m = (subject: string, window_name: string, name: string, value: number | null) => ({
	subject,
	window_name,
	name,
	value,
});

describe("a run's headline figures", () => {
	it("picks the chosen model's validation figures, the naive baseline, the gate, drift with its limits, collection and steps", () => {
		const run: RunDetail = {
			id: "run-20261127-1a2b3c4d",
			status: "complete",
			metrics: [
				m("chosen", "selection", "mape", 0.9),
				m("chosen", "validation", "mape", 0.0136),
				m("chosen", "validation", "coverage", 1),
				m("chosen", "validation", "score", null),
				m("chosen", "validation", "signal_rate", 0.016),
				m("naive", "validation", "mape", 0.0039),
				m("gate", "validation", "passed", 1),
				m("drift", "run", "psi", 0.18),
				m("drift", "run", "ks", 0.14),
				m("drift", "run", "flagged", 0),
				m("drift", "run", "recent_n", 448),
				m("drift", "run", "reference_n", 1440),
				m("collect", "run", "rows", 7630),
				m("collect", "run", "cards", 16),
				m("collect", "run", "failed", 0),
			],
			params: { drift_psi_threshold: 0.25, drift_ks_threshold: 0.2 },
			steps: [
				{ name: "start run", status: "complete", attempts: 1 },
				{ name: "collect #0", status: "complete", attempts: 2 },
				{ name: "evaluate", status: "failed", attempts: 3 },
			],
		};
		expect(runFigures(run)).toEqual({
			validation: { mape: 0.0136, coverage: 1, score: undefined, signalRate: 0.016, points: undefined },
			naiveMape: 0.0039,
			gatePassed: true,
			drift: {
				psi: 0.18,
				ks: 0.14,
				flagged: false,
				psiThreshold: 0.25,
				ksThreshold: 0.2,
				recentN: 448,
				referenceN: 1440,
			},
			collection: { rows: 7630, cards: 16, failed: 0 },
			steps: { total: 3, complete: 2, failed: 1, retried: 2 },
		});
	});

	it("has nothing but zero steps for a run that recorded nothing yet (a queued run)", () => {
		const f = runFigures({ id: "run-x", status: "queued" });
		expect(f.validation).toEqual({});
		expect(f.drift.flagged).toBeUndefined();
		expect(f.gatePassed).toBeUndefined();
		expect(f.steps).toEqual({ total: 0, complete: 0, failed: 0, retried: 0 });
		expect(
			runFigures({ id: "run-y", status: "complete", metrics: [m("drift", "run", "flagged", 1)] }).drift.flagged,
		).toBe(true);
	});
});
