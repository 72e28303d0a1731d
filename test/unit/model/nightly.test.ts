import { describe, expect, it } from "vitest";
import { IDENTITY } from "../../../src/model/calibration";
import type { CardSeries } from "../../../src/model/card-series";
import { addDays } from "../../../src/model/dates";
import {
	allocateTable,
	buildTable,
	FEATURES,
	type FeatureTable,
	joinMarket,
	OPEN,
} from "../../../src/model/feature-table";
import type { FittedPair, Predictions } from "../../../src/model/forecaster";
import { emptyMarketTally, marketTable } from "../../../src/model/market";
import {
	type FoldMemo,
	fitFold,
	forecasterOf,
	judgedRows,
	judgesBoth,
	type NightOptions,
	runNight,
	trainingRows,
} from "../../../src/model/nightly";
import { baselineRules, type RuleSpec, ruleId } from "../../../src/model/rules";
import type { Fold, WalkForward } from "../../../src/model/walk-forward";

/** Rows from [date, price, outcome]. */
function small(rows: [string, number, number][]): FeatureTable {
	const t = allocateTable(rows.length, 0);
	rows.forEach(([date, price, outcome], i) => {
		t.card_id[i] = `c${i}`;
		t.set_name[i] = "s";
		t.date[i] = date;
		t.price[i] = price;
		t.outcome[i] = outcome;
	});
	return t;
}

const SMALL = small([
	["2026-01-01", 10, 1],
	["2026-01-02", 0.5, -1],
	["2026-01-03", 10, OPEN],
	["2026-01-04", 10, 0],
	["2026-01-05", 10, -1],
	["2026-01-06", 10, 1],
]);

describe("trainingRows", () => {
	it("keeps the rows through the date with a known outcome and a price of at least minPrice", () => {
		expect(trainingRows(SMALL, "2026-01-04", 1)).toEqual([0, 3]);
		expect(trainingRows(SMALL, "2026-01-04", 0.1)).toEqual([0, 1, 3]);
		expect(trainingRows(SMALL, "2025-12-31", 1)).toEqual([]);
	});
});

describe("judgedRows", () => {
	it("keeps the fold's rows with a known outcome, whatever their price", () => {
		const fold: Fold = { judged: { from: "2026-01-02", to: "2026-01-05" }, train_through: "2025-12-01" };
		expect(judgedRows(SMALL, fold)).toEqual([1, 3, 4]);
	});
});

describe("judgesBoth", () => {
	const windows: WalkForward = {
		selection: { from: "2026-01-01", to: "2026-01-03" },
		validation: { from: "2026-01-04", to: "2026-01-06" },
		folds: [],
		train_through: "2026-01-06",
	};
	const predictions = (rows: number[]): Predictions => ({
		rows: Int32Array.from(rows),
		direction: new Float64Array(rows.length),
		move: new Float64Array(rows.length),
		base_up: 0.5,
	});

	it("is true only when the predictions cover a selection day and a validation day", () => {
		expect(judgesBoth(SMALL, [predictions([0]), predictions([5])], windows)).toBe(true);
		expect(judgesBoth(SMALL, [predictions([0, 4])], windows)).toBe(true);
		expect(judgesBoth(SMALL, [predictions([0, 1])], windows)).toBe(false);
		expect(judgesBoth(SMALL, [predictions([3, 5])], windows)).toBe(false);
		expect(judgesBoth(SMALL, [], windows)).toBe(false);
	});
});

describe("forecasterOf", () => {
	it("stores the pair with the chosen calibration and policy, the procedure and the last fitted day", () => {
		const pair: FittedPair = {
			direction: { base: 0.1, learning_rate: 0.1, trees: [] },
			move: { base: 0.2, learning_rate: 0.1, trees: [] },
			base_up: 0.55,
			rows: 900,
			decided: 700,
		};
		const policy = { buy_delta: 0.1, sell_delta: 0.1, min_move: 0.05 };
		expect(
			forecasterOf(pair, { calibration: IDENTITY, policy }, "2026-05-24", {
				minPrice: 2,
				moveSize: 0.1,
				horizonDays: 14,
			}),
		).toEqual({
			format: 2,
			kind: "learned",
			features: [...FEATURES],
			direction: pair.direction,
			move: pair.move,
			calibration: IDENTITY,
			policy,
			base_up: 0.55,
			horizon_days: 14,
			move_size: 0.1,
			min_price: 2,
			trained_through: "2026-05-24",
			rows: 900,
			decided: 700,
		});
	});
});

/** Deterministic uniforms in [0, 1) (mulberry32). */
function uniforms(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
	};
}

/*
 * A market with a clear momentum pattern: 30 cards in 3 sets over 150 days, each trending up or
 * down by 2% a day (plus up to 1% of noise) and turning every 20, 25 or 30 days. A 5% move within
 * 5 days mostly goes the way the last days went.
 */
const START = "2026-01-01";
const DAYS = 150;
const SERIES: CardSeries[] = (() => {
	const u = uniforms(42);
	return Array.from({ length: 30 }, (_, k) => {
		const period = 20 + (k % 3) * 5;
		let lp = Math.log(20 + k);
		const dates: string[] = [];
		const prices: number[] = [];
		for (let d = 0; d < DAYS; d++) {
			const sign = Math.floor((d + k * 3) / period) % 2 === 0 ? 1 : -1;
			lp += sign * 0.02 + (u() - 0.5) * 0.02;
			dates.push(addDays(START, d));
			prices.push(Math.round(Math.exp(lp) * 100) / 100);
		}
		return { format: 1, card_id: `card-${k}`, name: `Card ${k}`, set_name: `set-${k % 3}`, dates, prices };
	});
})();
const RULES = baselineRules();
const HORIZON = { days: 5, move: 0.05 };
const OPTIONS: NightOptions = {
	windows: { horizonDays: 5, selectionDays: 30, validationDays: 20, foldDays: 10, maxFolds: 8, minTrainDays: 30 },
	gbt: { rounds: 30, depth: 2, learning_rate: 0.2, min_leaf: 20, l2: 1, bins: 16 },
	rules: RULES,
	force: false,
	signalRateFloor: 0.05,
	minDecided: 10,
	minPrice: 1,
	moveSize: 0.05,
	horizonDays: 5,
};

/** The table a night as of `asOf` sees: prices through as-of only, market features joined. */
function tableAsOf(asOf: string): FeatureTable {
	const known = SERIES.map((s) => {
		const n = s.dates.filter((d) => d <= asOf).length;
		return { ...s, dates: s.dates.slice(0, n), prices: s.prices.slice(0, n) };
	});
	const market = emptyMarketTally();
	return joinMarket(buildTable(known, { asOf, horizon: HORIZON, rules: RULES, market }), marketTable(market));
}

const foldKey = (f: Fold) => `${f.train_through}|${f.judged.from}|${f.judged.to}`;
const NIGHT = addDays(START, DAYS - 2);
const NEXT = addDays(NIGHT, 1);
const TABLE = tableAsOf(NIGHT);
const MEMO: FoldMemo = new Map();
const FIRST = runNight(TABLE, START, NIGHT, null, OPTIONS, MEMO);

describe("fitFold", () => {
	it("fits on the rows through the fold's train_through and predicts the rows it judges", () => {
		const fold = FIRST.windows?.folds[1] as Fold;
		const p = fitFold(TABLE, fold, OPTIONS);
		expect(Array.from(p?.rows ?? [])).toEqual(judgedRows(TABLE, fold));
		expect(p?.direction.length).toBe(p?.rows.length);
		expect(p?.base_up).toBeGreaterThan(0);
	});

	it("is null when the fold has too few training rows", () => {
		const early: Fold = { judged: { from: "2026-01-05", to: "2026-01-10" }, train_through: "2026-01-02" };
		// Two days of 30 cards: 60 rows, fewer than the 100 decided a fit needs.
		expect(fitFold(TABLE, early, OPTIONS)).toBeNull();
	});
});

describe("runNight", () => {
	it("fits the folds, scores every candidate and promotes the learned model on a momentum market", () => {
		expect(FIRST.windows?.validation.to).toBe(addDays(NIGHT, -5));
		const ids = FIRST.evaluation?.candidates.map((c) => c.id) ?? [];
		expect(ids[0]).toBe("learned");
		expect(ids.slice(1)).toEqual(RULES.map(ruleId));
		// Momentum is the best baseline here, and the learned model, reading the same returns, beats it.
		expect(FIRST.verdict?.best_baseline).toMatch(/^momentum_/);
		expect(FIRST.verdict).toMatchObject({ challenger: "learned", passed: true, retire_champion: false });
		const learned = FIRST.evaluation?.candidates[0];
		expect(learned?.validation.pooled_edge).toBeGreaterThan(0.3);
		expect(FIRST.learned).toMatchObject({
			kind: "learned",
			trained_through: FIRST.windows?.train_through,
			min_price: 1,
		});
		expect(FIRST.learned?.policy).toEqual(FIRST.evaluation?.learned?.policy);
		expect(FIRST.learned?.rows).toBe(trainingRows(TABLE, FIRST.windows?.train_through as string, 1).length);
		expect(FIRST.promoted).toEqual({ kind: "learned", id: "learned", model: FIRST.learned });
		expect(FIRST.retired).toBe(false);
	});

	it("remembers every fold it fitted", () => {
		expect([...MEMO.keys()].sort()).toEqual((FIRST.windows?.folds ?? []).map(foldKey).sort());
	});

	it("reuses the folds the next night shares (the same predictions) and refits only the new ones", () => {
		const kept = new Map(MEMO);
		const withMemo = runNight(tableAsOf(NEXT), START, NEXT, null, OPTIONS, MEMO);
		const folds = withMemo.windows?.folds ?? [];
		const shared = folds.filter((f) => kept.has(foldKey(f)));
		// Every fold but the first and the last (whose ends moved by a day).
		expect(shared.map(foldKey)).toEqual(folds.slice(1, -1).map(foldKey));
		expect(shared.length).toBeGreaterThan(2);
		// A shared fold's entry is the one from last night (a refit would have stored a new one).
		for (const f of shared) expect(MEMO.get(foldKey(f))).toBe(kept.get(foldKey(f)));
		for (const f of folds.filter((f) => !kept.has(foldKey(f)))) expect(MEMO.get(foldKey(f))).toBeDefined();
		// Reused or refitted, the night decides the same.
		const fresh = runNight(tableAsOf(NEXT), START, NEXT, null, OPTIONS);
		expect(withMemo.evaluation).toEqual(fresh.evaluation);
		expect(withMemo.verdict).toEqual(fresh.verdict);
	});

	it("does not fit a fold remembered as unfittable; without held-out predictions a baseline serves", () => {
		const unfittable: FoldMemo = new Map((FIRST.windows?.folds ?? []).map((f) => [foldKey(f), null]));
		const r = runNight(TABLE, START, NIGHT, null, OPTIONS, unfittable);
		expect(r.evaluation?.learned).toBeNull();
		expect(r.evaluation?.candidates.some((c) => c.kind === "learned")).toBe(false);
		expect(r.learned).toBeNull();
		expect(r.verdict?.challenger).toBe(r.verdict?.best_baseline);
		expect(r.promoted).toMatchObject({ kind: "rule", id: r.verdict?.best_baseline });
	});

	it("retires a champion that points the wrong way: the challenger replaces it, else always-HOLD does", () => {
		// Mean reversion on a trending market: its SELLs above the mean keep rising.
		const reverting = RULES.find((r) => ruleId(r) === "rolling_mean_3/b0.05/s0.05") as RuleSpec;
		const unfittable: FoldMemo = new Map((FIRST.windows?.folds ?? []).map((f) => [foldKey(f), null]));
		const replaced = runNight(TABLE, START, NIGHT, { version: "v0", rule: reverting }, OPTIONS, new Map(unfittable));
		expect(replaced.verdict?.retire_champion).toBe(true);
		expect(replaced.promoted?.kind).toBe("rule");
		expect(replaced.retired).toBe(false);
		// Nothing meets a 95% signal-rate floor: no promotion, and the champion is retired.
		const nothing = runNight(
			TABLE,
			START,
			NIGHT,
			{ version: "v0", rule: reverting },
			{ ...OPTIONS, signalRateFloor: 0.95 },
			new Map(unfittable),
		);
		expect(nothing.verdict?.passed).toBe(false);
		expect(nothing.promoted).toBeNull();
		expect(nothing.retired).toBe(true);
	});

	it("decides nothing when there is too little history for the windows", () => {
		expect(runNight(TABLE, START, addDays(START, 40), null, OPTIONS)).toEqual({
			windows: null,
			evaluation: null,
			verdict: null,
			learned: null,
			promoted: null,
			retired: false,
		});
	});
});
