/**
 * Walk-forward backtest of fair-value candidates over a feature table. Every fair value was
 * computed from prices on or before its day (see features.ts); the targets are strictly later.
 * Counts are kept as additive tallies so per-shard results merge exactly by summing.
 */
import { estimatorId } from "./estimators";
import { judge, type ModelSpec, type Signal } from "./fair-value";
import type { FeatureColumns } from "./features";

/** A candidate model: an estimator with its thresholds. */
export type Candidate = { id: string; spec: ModelSpec };

/** The two evaluation windows: candidates are chosen on `selection`, then gated on the later `validation`. */
export type WindowName = "selection" | "validation";
/** Both windows, in date order. */
export const WINDOW_NAMES: readonly WindowName[] = ["selection", "validation"];

/** Date ranges `(after, through]` of each window. */
export type Windows = Record<WindowName, { after: string; through: string }>;

/** Additive counts for one candidate in one window. */
export type Tally = {
	points: number;
	covered: number;
	errors: number;
	sum_ape: number;
	sum_se: number;
	buy: number;
	sell: number;
	hold: number;
	labelled: number;
	up: number;
	down: number;
	buy_labelled: number;
	buy_hits: number;
	sell_labelled: number;
	sell_hits: number;
	transitions: number;
	flips: number;
};

/** Additive error counts of the naive forecast (tomorrow's price = today's). */
export type NaiveTally = { errors: number; sum_ape: number; sum_se: number };

/** Every candidate's tallies plus the naive forecast's, per window. */
export type BacktestTally = {
	candidates: Record<string, Record<WindowName, Tally>>;
	naive: Record<WindowName, NaiveTally>;
};

const emptyTally = (): Tally => ({
	points: 0,
	covered: 0,
	errors: 0,
	sum_ape: 0,
	sum_se: 0,
	buy: 0,
	sell: 0,
	hold: 0,
	labelled: 0,
	up: 0,
	down: 0,
	buy_labelled: 0,
	buy_hits: 0,
	sell_labelled: 0,
	sell_hits: 0,
	transitions: 0,
	flips: 0,
});
const emptyNaive = (): NaiveTally => ({ errors: 0, sum_ape: 0, sum_se: 0 });

/** The id of a candidate: estimator, then thresholds (`rolling_median_7/b0.1/s0.15`). */
export const candidateId = (spec: ModelSpec) => `${estimatorId(spec)}/b${spec.buy_threshold}/s${spec.sell_threshold}`;

const windowOf = (date: string, windows: Windows): WindowName | null => {
	for (const name of WINDOW_NAMES) {
		const w = windows[name];
		if (date > w.after && date <= w.through) return name;
	}
	return null;
};

/**
 * Tallies every candidate over a feature table. A point is a card's observed day inside a window.
 * It is covered when the candidate has a fair value there. Errors compare the fair value with the
 * card's next observed price. A labelled point went up (down) when the price reached +move
 * (-move) within the horizon. A transition is two consecutive covered days of one card in the
 * same window, and a flip is a transition whose signal changed.
 */
export function tallyFeatures(
	features: FeatureColumns,
	candidates: readonly Candidate[],
	windows: Windows,
	move: number,
): BacktestTally {
	const result: BacktestTally = {
		candidates: Object.fromEntries(
			candidates.map((c) => [c.id, { selection: emptyTally(), validation: emptyTally() }]),
		),
		naive: { selection: emptyNaive(), validation: emptyNaive() },
	};
	const previous = new Map<string, { card: string; window: WindowName; signal: Signal | null }>();
	const columns = candidates.map((c) => features.fair[estimatorId(c.spec)]);
	for (let i = 0; i < features.date.length; i++) {
		const window = windowOf(features.date[i] as string, windows);
		const card = features.card_id[i] as string;
		if (window === null) {
			for (const c of candidates) previous.delete(c.id);
			continue;
		}
		const price = features.price[i] as number;
		const next = features.next_price[i] ?? null;
		const labelled = features.labelled[i] === true;
		const up = labelled && (features.fwd_max[i] ?? -Infinity) >= price * (1 + move);
		const down = labelled && (features.fwd_min[i] ?? Infinity) <= price * (1 - move);
		const naive = result.naive[window];
		if (next !== null && next > 0) {
			naive.errors++;
			naive.sum_ape += Math.abs(price - next) / next;
			naive.sum_se += (price - next) ** 2;
		}
		for (const [k, c] of candidates.entries()) {
			const t = (result.candidates[c.id] as Record<WindowName, Tally>)[window];
			const fair = columns[k]?.[i] ?? null;
			const judged = judge(price, fair, c.spec);
			const covered = judged.deviation_pct !== null;
			t.points++;
			if (labelled) {
				t.labelled++;
				if (up) t.up++;
				if (down) t.down++;
			}
			const last = previous.get(c.id);
			const signal = covered ? judged.signal : null;
			if (last && last.card === card && last.window === window && last.signal !== null && signal !== null) {
				t.transitions++;
				if (last.signal !== signal) t.flips++;
			}
			previous.set(c.id, { card, window, signal });
			if (!covered) continue;
			t.covered++;
			if (next !== null && next > 0) {
				// The rounded fair value, exactly as serving answers it.
				t.errors++;
				t.sum_ape += Math.abs(judged.fair_price - next) / next;
				t.sum_se += (judged.fair_price - next) ** 2;
			}
			if (judged.signal === "BUY") {
				t.buy++;
				if (labelled) {
					t.buy_labelled++;
					if (up) t.buy_hits++;
				}
			} else if (judged.signal === "SELL") {
				t.sell++;
				if (labelled) {
					t.sell_labelled++;
					if (down) t.sell_hits++;
				}
			} else t.hold++;
		}
	}
	return result;
}

const addInto = <T extends Record<string, number>>(into: T, from: T) => {
	for (const key of Object.keys(from) as (keyof T)[]) (into[key] as number) += from[key] as number;
};

/** Sums two tallies (shards of the same run); candidates missing from one side count as zero. */
export function mergeTallies(a: BacktestTally, b: BacktestTally): BacktestTally {
	const merged: BacktestTally = structuredClone(a);
	for (const [id, windows] of Object.entries(b.candidates)) {
		const into = merged.candidates[id] ?? { selection: emptyTally(), validation: emptyTally() };
		merged.candidates[id] = into;
		for (const w of WINDOW_NAMES) addInto(into[w], windows[w]);
	}
	for (const w of WINDOW_NAMES) addInto(merged.naive[w], b.naive[w]);
	return merged;
}

/** An empty tally for these candidates (the identity of mergeTallies). */
export const emptyBacktest = (ids: readonly string[]): BacktestTally => ({
	candidates: Object.fromEntries(ids.map((id) => [id, { selection: emptyTally(), validation: emptyTally() }])),
	naive: { selection: emptyNaive(), validation: emptyNaive() },
});
