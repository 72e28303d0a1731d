/**
 * The table the model learns from and is scored on: one row per card and observed day, with the
 * card's own features, the same day's set and market moves, the first-passage outcome as of the
 * data's as-of date, the price at the horizon, and every baseline rule's answer. Column-oriented
 * (typed arrays), built card by card. Pure.
 */
import { CARD_FEATURES, cardFeatures } from "./card-features";
import type { CardSeries } from "./card-series";
import { addDays } from "./dates";
import { type Horizon, outcomeAt, outcomeCode } from "./first-passage";
import { CROSS_FEATURES, crossFeatures, type MarketTable, type MarketTally, tallyDay } from "./market";
import { type RuleSpec, ruleSeries, signalCode } from "./rules";

/** Every feature the learned model reads, in its column order. */
export const FEATURES: readonly string[] = [...CARD_FEATURES, ...CROSS_FEATURES];
const CARD_COUNT = CARD_FEATURES.length;
const R1 = CARD_FEATURES.indexOf("r1");
const R7 = CARD_FEATURES.indexOf("r7");

/** Outcome codes in the table: 1 up first, -1 down first, 0 neither within the horizon, 2 still open. */
export const OPEN = 2;

/** Rows of the table. */
export type FeatureTable = {
	card_id: string[];
	set_name: string[];
	date: string[];
	price: Float64Array;
	outcome: Int8Array;
	/** The last observed price on or before the horizon's end; NaN while the outcome is open. */
	later: Float64Array;
	/** One column per FEATURES entry (float32, as stored). */
	x: Float32Array[];
	/** Per baseline rule (in the order given when built): its signal code and fair price (NaN: none). */
	rule_signal: Int8Array[];
	rule_fair: Float32Array[];
};

/** An empty table with room for `n` rows and `rules` rule columns. */
export function allocateTable(n: number, rules: number): FeatureTable {
	return {
		card_id: new Array<string>(n),
		set_name: new Array<string>(n),
		date: new Array<string>(n),
		price: new Float64Array(n),
		outcome: new Int8Array(n),
		later: new Float64Array(n),
		x: FEATURES.map(() => new Float32Array(n)),
		rule_signal: Array.from({ length: rules }, () => new Int8Array(n)),
		rule_fair: Array.from({ length: rules }, () => new Float32Array(n)),
	};
}

/** The number of rows. */
export const rowCount = (t: FeatureTable) => t.date.length;

/**
 * The rows of some cards as of `asOf`: card-level features, outcomes, later prices and rule
 * answers. Cross-sectional features are NaN until `joinMarket` fills them; `market`, when given,
 * tallies the cards' returns for that.
 */
export function buildTable(
	series: readonly CardSeries[],
	options: { asOf: string; horizon: Horizon; rules: readonly RuleSpec[]; market?: MarketTally },
): FeatureTable {
	const n = series.reduce((a, s) => a + s.dates.length, 0);
	const t = allocateTable(n, options.rules.length);
	let row = 0;
	for (const s of series) {
		const f = cardFeatures(s.dates, s.prices);
		const rules = options.rules.map((r) => ruleSeries(r, s.prices));
		for (let j = 0; j < s.dates.length; j++, row++) {
			const date = s.dates[j] as string;
			t.card_id[row] = s.card_id;
			t.set_name[row] = s.set_name;
			t.date[row] = date;
			t.price[row] = s.prices[j] as number;
			const o = outcomeCode(outcomeAt(s.dates, s.prices, j, options.horizon, options.asOf));
			t.outcome[row] = o === null ? OPEN : o;
			t.later[row] = o === null ? Number.NaN : laterPrice(s, j, options.horizon.days);
			CARD_FEATURES.forEach((name, k) => {
				(t.x[k] as Float32Array)[row] = f[name][j] as number;
			});
			for (let k = CARD_COUNT; k < FEATURES.length; k++) (t.x[k] as Float32Array)[row] = Number.NaN;
			rules.forEach((answers, k) => {
				const a = answers[j];
				(t.rule_signal[k] as Int8Array)[row] = a ? signalCode(a.signal) : 0;
				(t.rule_fair[k] as Float32Array)[row] = a?.fair ?? Number.NaN;
			});
			if (options.market) tallyDay(options.market, s.set_name, date, f.r1[j] as number, f.r7[j] as number);
		}
	}
	return t;
}

/** The last observed price on or before `dates[j] + days`. */
function laterPrice(s: CardSeries, j: number, days: number): number {
	const end = addDays(s.dates[j] as string, days);
	let k = j;
	while (k + 1 < s.dates.length && (s.dates[k + 1] as string) <= end) k++;
	return s.prices[k] as number;
}

/** Fills the set and market features of every row from the merged market table. */
export function joinMarket(t: FeatureTable, market: MarketTable): FeatureTable {
	const r1 = t.x[R1] as Float32Array;
	const r7 = t.x[R7] as Float32Array;
	for (let i = 0; i < t.date.length; i++) {
		const cross = crossFeatures(market, t.set_name[i] as string, t.date[i] as string, r1[i] as number, r7[i] as number);
		for (let k = 0; k < cross.length; k++) (t.x[CARD_COUNT + k] as Float32Array)[i] = cross[k] as number;
	}
	return t;
}

/** The rows of `t` at `indices`, in that order, as a new table. */
export function selectRows(t: FeatureTable, indices: ArrayLike<number>): FeatureTable {
	return copyRows(t, indices, allocateTable(indices.length, t.rule_signal.length), 0);
}

/** Copies the rows of `from` at `indices` into `into` from row `at` on (same columns); returns `into`. */
export function copyRows(from: FeatureTable, indices: ArrayLike<number>, into: FeatureTable, at: number): FeatureTable {
	for (let k = 0; k < indices.length; k++) {
		const i = indices[k] as number;
		const o = at + k;
		into.card_id[o] = from.card_id[i] as string;
		into.set_name[o] = from.set_name[i] as string;
		into.date[o] = from.date[i] as string;
		into.price[o] = from.price[i] as number;
		into.outcome[o] = from.outcome[i] as number;
		into.later[o] = from.later[i] as number;
	}
	const copy = (src: ArrayLike<number>, dst: { [i: number]: number }) => {
		for (let k = 0; k < indices.length; k++) dst[at + k] = src[indices[k] as number] as number;
	};
	for (const [f, c] of from.x.entries()) copy(c, into.x[f] as Float32Array);
	for (const [f, c] of from.rule_signal.entries()) copy(c, into.rule_signal[f] as Int8Array);
	for (const [f, c] of from.rule_fair.entries()) copy(c, into.rule_fair[f] as Float32Array);
	return into;
}

/** Row `i`'s features, in FEATURES order. */
export function rowFeatures(t: FeatureTable, i: number, into = new Float32Array(FEATURES.length)): Float32Array {
	for (let f = 0; f < t.x.length; f++) into[f] = (t.x[f] as Float32Array)[i] as number;
	return into;
}
