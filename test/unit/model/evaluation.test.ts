import { describe, expect, it } from "vitest";
import { IDENTITY } from "../../../src/model/calibration";
import {
	type EvaluationOptions,
	evaluateCandidates,
	learnedMetrics,
	ruleMetrics,
	windowRows,
} from "../../../src/model/evaluation";
import { allocateTable, FEATURES, type FeatureTable, OPEN } from "../../../src/model/feature-table";
import type { Forecaster, Predictions } from "../../../src/model/forecaster";
import type { Gbt } from "../../../src/model/gbt";
import type { RuleSpec } from "../../../src/model/rules";
import type { WalkForward } from "../../../src/model/walk-forward";

const MOMENTUM: RuleSpec = { rule: "momentum", window: 1, threshold: 0.1 };
const RULES: RuleSpec[] = [MOMENTUM, { rule: "hold" }];
const O: EvaluationOptions = {
	rules: RULES,
	signalRateFloor: 0,
	minDecided: 1,
	minPrice: 1,
	moveSize: 0.1,
	horizonDays: 14,
};
const WINDOWS: WalkForward = {
	selection: { from: "2026-01-01", to: "2026-01-04" },
	validation: { from: "2026-01-05", to: "2026-01-08" },
	folds: [],
	train_through: "2026-01-08",
};
const R1 = FEATURES.indexOf("r1");
const N = Number.NaN;

/*
 * Two cards a day. The first rule's signals (1 BUY, -1 SELL, 0 HOLD) and fair prices are columns.
 *
 *   row card date   price outcome r1    signal fair later
 *   0   a    01-01  10    up      0.1   BUY    11   11
 *   1   b    01-01  10    down   -0.1   SELL   9    9
 *   2   a    01-02  10    up      0.1   BUY    11   12
 *   3   b    01-02  10    down   -0.1   BUY    11   9      (wrong)
 *   4   a    01-03  10    none    0     HOLD   10   10
 *   5   b    01-03  0.5   up      0.1   BUY    -    -      (under minPrice: never scored)
 *   6   a    01-04  10    up      0.1   HOLD   NaN  11
 *   7   b    01-04  10    down   -0.1   SELL   9    10
 *   -- validation --
 *   8   a    01-05  10    up      0.1   BUY    11   11
 *   9   b    01-05  10    down   -0.1   BUY    11   9      (wrong)
 *   10  a    01-06  10    down   -0.1   SELL   9    9
 *   11  b    01-06  10    up      0.1   SELL   9    11     (wrong)
 *   12  a    01-07  10    up      0.1   BUY    11   11
 *   13  b    01-07  10    down   -0.1   SELL   9    9
 *   14  a    01-08  10    open    0.1   BUY    11   NaN    (open: never scored)
 *   15  b    01-08  10    none    0     HOLD   10   10
 */
const ROWS: [string, number, number, number, number, number, number][] = [
	["2026-01-01", 10, 1, 0.1, 1, 11, 11],
	["2026-01-01", 10, -1, -0.1, -1, 9, 9],
	["2026-01-02", 10, 1, 0.1, 1, 11, 12],
	["2026-01-02", 10, -1, -0.1, 1, 11, 9],
	["2026-01-03", 10, 0, 0, 0, 10, 10],
	["2026-01-03", 0.5, 1, 0.1, 1, N, N],
	["2026-01-04", 10, 1, 0.1, 0, N, 11],
	["2026-01-04", 10, -1, -0.1, -1, 9, 10],
	["2026-01-05", 10, 1, 0.1, 1, 11, 11],
	["2026-01-05", 10, -1, -0.1, 1, 11, 9],
	["2026-01-06", 10, -1, -0.1, -1, 9, 9],
	["2026-01-06", 10, 1, 0.1, -1, 9, 11],
	["2026-01-07", 10, 1, 0.1, 1, 11, 11],
	["2026-01-07", 10, -1, -0.1, -1, 9, 9],
	["2026-01-08", 10, OPEN, 0.1, 1, 11, N],
	["2026-01-08", 10, 0, 0, 0, 10, 10],
];

function table(): FeatureTable {
	const t = allocateTable(ROWS.length, RULES.length);
	ROWS.forEach(([date, price, outcome, r1, signal, fair, later], i) => {
		t.card_id[i] = i % 2 === 0 ? "a" : "b";
		t.set_name[i] = "s";
		t.date[i] = date;
		t.price[i] = price;
		t.outcome[i] = outcome;
		t.later[i] = later;
		(t.x[R1] as Float32Array)[i] = r1;
		(t.rule_signal[0] as Int8Array)[i] = signal;
		(t.rule_fair[0] as Float32Array)[i] = fair;
		(t.rule_signal[1] as Int8Array)[i] = 0;
		(t.rule_fair[1] as Float32Array)[i] = price;
	});
	return t;
}
const T = table();
const ALL_ROWS = ROWS.map((_, i) => i);

/** Held-out predictions that know every outcome: raw score +2 for up, -2 for down, 0 for none. */
const PERFECT: Predictions = {
	rows: Int32Array.from(ALL_ROWS),
	direction: Float64Array.from(ROWS, (r) => (r[2] === 1 ? 2 : r[2] === -1 ? -2 : 0)),
	move: new Float64Array(ROWS.length).fill(0.9),
	base_up: 0.5,
};

/** A learned champion: r1 < 0 (or missing) scores -3, else +3; always likely to move. */
const split: Gbt = {
	base: 0,
	learning_rate: 1,
	trees: [
		{
			feature: [R1, -1, -1],
			threshold: [0, null, null],
			left: [1, -1, -1],
			right: [2, -1, -1],
			value: [0, -3, 3],
			gain: [1, 0, 0],
		},
	],
};
const CHAMPION: Forecaster = {
	format: 2,
	kind: "learned",
	features: [...FEATURES],
	direction: split,
	move: { base: 5, learning_rate: 1, trees: [] },
	calibration: IDENTITY,
	policy: { buy_delta: 0.1, sell_delta: 0.1, min_move: 0.5 },
	base_up: 0.5,
	horizon_days: 14,
	move_size: 0.1,
	min_price: 1,
	trained_through: "2026-01-06",
	rows: 100,
	decided: 100,
};

describe("windowRows", () => {
	it("keeps the rows of the span whose outcome is known and whose price is at least minPrice", () => {
		expect(windowRows(T, WINDOWS.selection, 1)).toEqual([0, 1, 2, 3, 4, 6, 7]);
		expect(windowRows(T, WINDOWS.validation, 1)).toEqual([8, 9, 10, 11, 12, 13, 15]);
		expect(windowRows(T, WINDOWS.selection, 0.1)).toContain(5);
	});
});

describe("ruleMetrics", () => {
	it("scores a rule from its signal and fair columns", () => {
		// Selection: 7 days, 6 decided, 3 up. BUY rows 0, 2, 3: 2 of 3 right; SELL rows 1, 7: both right.
		// Pooled (4 - 3 * 0.5 - 2 * 0.5) / 5 = 0.3. APE: 0, 0, 1/12, 2/9, 0, (no fair), 1/10.
		const m = ruleMetrics(T, 0, windowRows(T, WINDOWS.selection, 1));
		expect(m).toMatchObject({ days: 7, decided: 6 });
		expect(m.buy).toMatchObject({ signals: 3, decided: 3, right: 2 });
		expect(m.sell).toMatchObject({ signals: 2, decided: 2, right: 2, edge: 0.5 });
		expect(m.pooled_edge).toBeCloseTo(0.3, 12);
		expect(m.signal_rate).toBeCloseTo(5 / 7, 12);
		expect(m.mape).toBeCloseTo((1 / 12 + 2 / 9 + 1 / 10) / 6, 12);
	});
});

describe("learnedMetrics", () => {
	it("answers each row with the model and scores the answers", () => {
		// Rows 12 (r1 > 0, up), 13 (r1 < 0, down), 15 (r1 = 0: right branch, BUY, none).
		const m = learnedMetrics(T, CHAMPION, [12, 13, 15]);
		expect(m).toMatchObject({ days: 3, decided: 2 });
		expect(m.buy).toMatchObject({ signals: 2, decided: 1, right: 1 });
		expect(m.sell).toMatchObject({ signals: 1, decided: 1, right: 1 });
		expect(m.pooled_edge).toBeCloseTo(0.5, 12);
	});

	it("skips rows priced under the model's minimum", () => {
		expect(learnedMetrics(T, CHAMPION, [5]).days).toBe(0);
	});
});

describe("evaluateCandidates", () => {
	it("scores every rule on both windows, in the order given, without a learned candidate when it has no predictions", () => {
		const r = evaluateCandidates(T, WINDOWS, [], IDENTITY, null, O);
		expect(r.windows).toBe(WINDOWS);
		expect(r.learned).toBeNull();
		expect(r.champion).toBeNull();
		expect(r.candidates.map((c) => [c.id, c.kind])).toEqual([
			["momentum_1/0.1", "rule"],
			["hold", "rule"],
		]);
		const [momentum, hold] = r.candidates;
		expect(momentum?.selection).toEqual(ruleMetrics(T, 0, [0, 1, 2, 3, 4, 6, 7]));
		// Validation: BUY rows 8, 9, 12 (2 right), SELL rows 10, 11, 13 (2 right), 6 decided, 3 up: pooled 1/6.
		expect(momentum?.validation.pooled_edge).toBeCloseTo(1 / 6, 12);
		expect(momentum?.validation.signal_rate).toBeCloseTo(6 / 7, 12);
		expect(momentum?.versus_champion).toBeUndefined();
		expect(hold?.validation).toMatchObject({ pooled_edge: null, signal_rate: 0 });
		// Always-HOLD's fair price is the price, 10, against later prices 11, 9, 9, 11, 11, 9, 10.
		expect(hold?.validation.mape).toBeCloseTo((3 / 11 + 3 / 9) / 7, 12);
	});

	it("gives the learned model a policy chosen on selection and scores its held-out validation predictions", () => {
		const r = evaluateCandidates(T, WINDOWS, [PERFECT], IDENTITY, null, O);
		// Every grid policy scores the perfect predictions alike; the first is kept.
		expect(r.learned).toEqual({ calibration: IDENTITY, policy: { buy_delta: 0.05, sell_delta: 0.05, min_move: 0 } });
		const learned = r.candidates[0];
		expect(learned).toMatchObject({ id: "learned", kind: "learned" });
		expect(r.candidates.map((c) => c.id)).toEqual(["learned", "momentum_1/0.1", "hold"]);
		// Selection: the cheap row 5 and nothing else is dropped; 3 BUYs and 3 SELLs, all right.
		expect(learned?.selection).toMatchObject({
			days: 7,
			buy: { decided: 3, right: 3 },
			sell: { decided: 3, right: 3 },
		});
		expect(learned?.selection.pooled_edge).toBeCloseTo(0.5, 12);
		// Validation: rows 8-13 and 15 (14 is open); the fair price is scored against the later price.
		expect(learned?.validation).toMatchObject({
			days: 7,
			buy: { decided: 3, right: 3 },
			sell: { decided: 3, right: 3 },
		});
		expect(learned?.validation.signal_rate).toBeCloseTo(6 / 7, 12);
		expect(learned?.validation.mape).not.toBeNull();
	});

	it("applies the calibration to the raw scores before choosing the policy", () => {
		// a = 0.05 squeezes scores of +-2 to q = sigmoid(+-0.1) = 0.525 / 0.475, short of even the smallest
		// delta (0.05): no policy signals, and the learned model is dropped.
		const r = evaluateCandidates(T, WINDOWS, [PERFECT], { a: 0.05, b: 0 }, null, O);
		expect(r.learned).toBeNull();
		expect(r.candidates.map((c) => c.id)).toEqual(["momentum_1/0.1", "hold"]);
	});

	it("drops the learned candidate when no policy meets the limits on selection", () => {
		const r = evaluateCandidates(T, WINDOWS, [PERFECT], IDENTITY, null, { ...O, minDecided: 4 });
		expect(r.learned).toBeNull();
		expect(r.candidates.some((c) => c.kind === "learned")).toBe(false);
	});

	it("scores a rule champion on the whole validation window, and every candidate on the same days", () => {
		const r = evaluateCandidates(T, WINDOWS, [PERFECT], IDENTITY, { version: "v-rule", rule: MOMENTUM }, O);
		const momentum = r.candidates.find((c) => c.id === "momentum_1/0.1");
		expect(r.champion).toEqual({
			version: "v-rule",
			kind: "rule",
			same_procedure: false,
			validation: momentum?.validation,
			days_from: "2026-01-05",
			comparable: true,
		});
		for (const c of r.candidates) expect(c.versus_champion).toEqual(c.validation);
	});

	it("scores a learned champion only on the validation days after its last fitted outcome", () => {
		const r = evaluateCandidates(T, WINDOWS, [PERFECT], IDENTITY, { version: "v-learned", model: CHAMPION }, O);
		expect(r.champion).toMatchObject({
			version: "v-learned",
			kind: "learned",
			same_procedure: true,
			days_from: "2026-01-07",
			comparable: true,
		});
		expect(r.champion?.validation).toEqual(learnedMetrics(T, CHAMPION, [12, 13, 15]));
		// Candidates on the same days, 01-07 and 01-08: rows 12, 13, 15.
		const momentum = r.candidates.find((c) => c.id === "momentum_1/0.1");
		expect(momentum?.versus_champion).toEqual(ruleMetrics(T, 0, [12, 13, 15]));
		expect(r.candidates[0]?.versus_champion).toMatchObject({ days: 3, decided: 2 });
	});

	it("calls a champion of another price floor, move or horizon another procedure, and too few decided incomparable", () => {
		const other = evaluateCandidates(
			T,
			WINDOWS,
			[],
			IDENTITY,
			{ version: "v", model: { ...CHAMPION, min_price: 5 } },
			O,
		);
		expect(other.champion?.same_procedure).toBe(false);
		const few = evaluateCandidates(
			T,
			WINDOWS,
			[],
			IDENTITY,
			{ version: "v", model: CHAMPION },
			{ ...O, minDecided: 2 },
		);
		expect(few.champion?.comparable).toBe(false);
	});

	it("starts at the window for a champion fitted before it", () => {
		const r = evaluateCandidates(
			T,
			WINDOWS,
			[],
			IDENTITY,
			{ version: "v", model: { ...CHAMPION, trained_through: "2025-12-01" } },
			O,
		);
		expect(r.champion?.days_from).toBe("2026-01-05");
	});

	it("cannot score a champion fitted past the window or over other features", () => {
		for (const model of [
			{ ...CHAMPION, trained_through: "2026-01-08" },
			{ ...CHAMPION, features: FEATURES.slice(0, -1) },
		]) {
			const r = evaluateCandidates(T, WINDOWS, [], IDENTITY, { version: "v", model }, O);
			expect(r.champion).toBeNull();
			for (const c of r.candidates) expect(c.versus_champion).toBeUndefined();
		}
	});
});
