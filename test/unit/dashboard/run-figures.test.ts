import { describe, expect, it } from "vitest";
import { orderRows, ruleVersion, runFigures } from "../../../src/dashboard/run-figures";
import type { RunDetail, RunMetric } from "../../../src/dashboard/types";

const m = (subject: string, window_name: string, name: string, value: number | null): RunMetric => ({
	subject,
	window_name,
	name,
	value,
});

/** A subject's headline figures on a window, with one side's counts. */
const figures = (subject: string, window: string, pooled: number | null, buy: [number, number, number, number]) => [
	m(subject, window, "pooled_edge", pooled),
	m(subject, window, "signal_rate", 0.1),
	m(subject, window, "brier_skill", null),
	m(subject, window, "mape", 0.018),
	m(subject, window, "buy_signals", buy[0]),
	m(subject, window, "buy_decided", buy[1]),
	m(subject, window, "buy_right", buy[2]),
	m(subject, window, "buy_precision", buy[1] ? buy[2] / buy[1] : null),
	m(subject, window, "buy_base_rate", 0.2),
	m(subject, window, "buy_edge", buy[3]),
];

const run: RunDetail = {
	id: "nightly-2026-08-23",
	status: "rejected",
	candidate: "momentum_7/0.1",
	model_version: "v20260822-4bb4b065f7",
	champion_before: "v20260815-0123456789",
	serving_version: "rule-momentum_7_0.1",
	promoted: false,
	metrics: [
		...figures("baseline:hold", "validation", null, [0, 0, 0, 0]),
		...figures("baseline:momentum_7/0.1", "validation", 0.05, [30, 22, 6, 0.07]),
		...figures("baseline:momentum_7/0.1", "selection", 0.9, [1, 1, 1, 0.8]),
		...figures("learned", "validation", 0.01, [129, 17, 4, 0.033]),
		...figures("champion", "validation", 0.03, [50, 21, 5, 0.04]),
		...figures("baseline:trailing_mean_3/b0.1/s0.15", "validation", -0.02, [9, 3, 0, -0.2]),
		m("gate", "validation", "vs_baseline", 0),
		m("gate", "validation", "signal_rate", 1),
		m("gate", "validation", "passed", 0),
		m("gate", "validation", "buy_edge", 0),
		m("gate", "validation", "sell_edge", 1),
		m("drift", "run", "psi", 0.18),
		m("drift", "run", "ks", 0.14),
		m("drift", "run", "flagged", 0),
		m("drift", "run", "recent_n", 448),
		m("drift", "run", "reference_n", 1440),
		m("collect", "run", "rows", 7630),
		m("collect", "run", "cards", 16),
		m("collect", "run", "failed", 0),
		m("collect", "run", "skipped", 1),
		m("collect", "run", "failure_share", 0.0625),
	],
	params: { drift_psi_threshold: 0.25, drift_ks_threshold: 0.2, gate_min_decided: 20, signal_rate_floor: 0.05 },
	steps: [
		{ name: "start run", status: "complete", attempts: 1 },
		{ name: "collect #0", status: "complete", attempts: 2 },
		{ name: "validate", status: "failed", attempts: 3 },
	],
};

describe("a run's figures", () => {
	it("lists every model on the validation window: learned first, then by pooled edge, missing last", () => {
		const table = runFigures(run).table;
		expect(table.map((r) => r.subject)).toEqual([
			"learned",
			"baseline:momentum_7/0.1",
			"champion",
			"baseline:trailing_mean_3/b0.1/s0.15",
			"baseline:hold",
		]);
		expect(table.map((r) => r.name)).toEqual([
			"learned",
			"momentum_7/0.1",
			"v20260815-0123456789",
			"trailing_mean_3/b0.1/s0.15",
			"hold",
		]);
		// The validation window's figures, never the selection window's.
		expect(table[1]).toMatchObject({
			kind: "baseline",
			pooledEdge: 0.05,
			signalRate: 0.1,
			brierSkill: undefined,
			mape: 0.018,
			buy: { signals: 30, decided: 22, right: 6, precision: 6 / 22, baseRate: 0.2, edge: 0.07 },
			sell: { signals: undefined, edge: undefined },
		});
	});

	it("marks the challenger and the model the run published with", () => {
		const table = runFigures(run).table;
		const marked = table.filter((r) => r.challenger || r.serving).map((r) => [r.subject, r.challenger, r.serving]);
		expect(marked).toEqual([["baseline:momentum_7/0.1", true, true]]);
		expect(ruleVersion("trailing_mean_3/b0.1/s0.15")).toBe("rule-trailing_mean_3_b0.1_s0.15");
		const learned = runFigures({ ...run, candidate: "learned", serving_version: "v20260822-4bb4b065f7" }).table[0];
		expect(learned).toMatchObject({ subject: "learned", challenger: true, serving: true });
		const kept = runFigures({ ...run, serving_version: "v20260815-0123456789" }).table;
		expect(kept.filter((r) => r.serving).map((r) => r.subject)).toEqual(["champion"]);
	});

	it("reads the gate's checks in the gate's order with its limits, drift with its limits, collection and steps", () => {
		const f = runFigures(run);
		expect(f.gate).toEqual({
			passed: false,
			minDecided: 20,
			signalRateFloor: 0.05,
			checks: [
				{ name: "buy_edge", passed: false },
				{ name: "sell_edge", passed: true },
				{ name: "signal_rate", passed: true },
				{ name: "vs_baseline", passed: false },
			],
		});
		expect(f.drift).toEqual({
			psi: 0.18,
			ks: 0.14,
			flagged: false,
			psiThreshold: 0.25,
			ksThreshold: 0.2,
			recentN: 448,
			referenceN: 1440,
		});
		expect(f.collection).toEqual({ rows: 7630, cards: 16, failed: 0, skipped: 1, failureShare: 0.0625 });
		expect(f.steps).toEqual({ total: 3, complete: 2, failed: 1, retried: 2 });
	});

	it("has nothing but zero steps for a run that recorded nothing yet (a queued run)", () => {
		const f = runFigures({ id: "run-x", status: "queued" });
		expect(f.table).toEqual([]);
		expect(f.gate).toEqual({ passed: undefined, checks: [], minDecided: undefined, signalRateFloor: undefined });
		expect(f.drift.flagged).toBeUndefined();
		expect(f.steps).toEqual({ total: 0, complete: 0, failed: 0, retried: 0 });
		expect(
			runFigures({ id: "run-y", status: "complete", metrics: [m("drift", "run", "flagged", 1)] }).drift.flagged,
		).toBe(true);
	});

	it("orders ties by name, so the table is stable", () => {
		const row = (name: string, pooledEdge?: number) => ({
			subject: `baseline:${name}`,
			kind: "baseline" as const,
			name,
			challenger: false,
			serving: false,
			buy: {},
			sell: {},
			...(pooledEdge === undefined ? {} : { pooledEdge }),
		});
		expect(orderRows([row("b", 0.1), row("c"), row("a", 0.1)]).map((r) => r.name)).toEqual(["a", "b", "c"]);
	});
});
