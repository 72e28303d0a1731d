/**
 * The fair-value model: pure functions over one card's observed prices.
 * No bindings, no I/O: serving, the artifact builder and the tests share them.
 */

import { z } from "zod";
import { type EstimatorSpec, estimate, HalfLife, WindowSize } from "./estimators";

export { trailingMean } from "./estimators";

export type Signal = "BUY" | "SELL" | "HOLD";

/** Where a model's signal thresholds sit (fractions: 0.10 = 10%). */
export type Thresholds = {
	/** BUY when deviation <= -buy_threshold. */
	buy_threshold: number;
	/** SELL when deviation >= sell_threshold. */
	sell_threshold: number;
};

const threshold = z.number().gt(0).lt(1);
const thresholds = { buy_threshold: threshold, sell_threshold: threshold };

/**
 * How a fair value is estimated, and where its signal thresholds sit. Stored with each model
 * version (`model_versions.params`); specs stored before the leak-free estimators existed
 * (`{estimator: "trailing_mean", window, buy_threshold, sell_threshold}`) parse and evaluate unchanged.
 */
export const ModelSpec = z.discriminatedUnion("estimator", [
	z.object({ estimator: z.literal("trailing_mean"), window: WindowSize, ...thresholds }),
	z.object({ estimator: z.literal("rolling_mean"), window: WindowSize, ...thresholds }),
	z.object({ estimator: z.literal("rolling_median"), window: WindowSize, ...thresholds }),
	z.object({ estimator: z.literal("ewm"), halflife: HalfLife, ...thresholds }),
]);
export type ModelSpec = EstimatorSpec & Thresholds;

/**
 * One evaluated day of a card. `deviation_pct` is null when there is no usable fair value: the
 * fair value is not positive, or a leak-free estimator has no earlier price (a card's first day,
 * when `fair_price` falls back to the day's own price and the signal is HOLD).
 */
export type Evaluation = {
	date: string;
	market_price: number;
	fair_price: number;
	deviation_pct: number | null;
	signal: Signal;
};

const round = (value: number, places: number) => {
	const f = 10 ** places;
	return Math.round(value * f) / f;
};

/** `(market - fair) / fair` as a fraction, or null when fair is not a positive finite number. */
export function deviation(market: number, fair: number): number | null {
	if (!Number.isFinite(fair) || fair <= 0 || !Number.isFinite(market)) return null;
	return (market - fair) / fair;
}

/** BUY at or below -buy_threshold, SELL at or above sell_threshold, HOLD otherwise (and without a deviation). */
export function classify(dev: number | null, spec: Thresholds): Signal {
	if (dev === null) return "HOLD";
	if (dev <= -spec.buy_threshold) return "BUY";
	if (dev >= spec.sell_threshold) return "SELL";
	return "HOLD";
}

/**
 * Judges a market price against a fair value (null: none). The fair value is rounded to 4 places
 * and the deviation to 6, and the signal is taken from the rounded deviation, so the numbers a
 * client sees always agree with the signal beside them (a deviation of exactly -0.10 is a BUY at
 * 0.10). The backtest uses this same function, so it scores exactly what serving answers.
 */
export function judge(
	market: number,
	fair: number | null,
	thresholds: Thresholds,
): Pick<Evaluation, "fair_price" | "deviation_pct" | "signal"> {
	if (fair === null) return { fair_price: market, deviation_pct: null, signal: "HOLD" };
	const raw = deviation(market, fair);
	const dev = raw === null ? null : round(raw, 6);
	return { fair_price: round(fair, 4), deviation_pct: dev, signal: classify(dev, thresholds) };
}

/** Evaluates the day at `index` of a card's observed prices under `spec`. */
export function evaluateAt(
	dates: readonly string[],
	prices: readonly number[],
	index: number,
	spec: ModelSpec,
): Evaluation {
	const market = prices[index];
	const date = dates[index];
	if (market === undefined || date === undefined) throw new RangeError(`index ${index} outside the series`);
	return { date, market_price: market, ...judge(market, estimate(prices, index, spec), spec) };
}

/** Index of `date` in an ascending list of ISO dates, or -1. */
export function indexOfDate(dates: readonly string[], date: string): number {
	let lo = 0;
	let hi = dates.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const d = dates[mid] as string;
		if (d === date) return mid;
		if (d < date) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}

/** The observed dates nearest to `date` on either side (for "no price on that date" answers). */
export function nearestDates(dates: readonly string[], date: string): { before: string | null; after: string | null } {
	let lo = 0;
	let hi = dates.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((dates[mid] as string) < date) lo = mid + 1;
		else hi = mid;
	}
	const before = dates[lo - 1] ?? null;
	const at = dates[lo];
	const after = at === date ? (dates[lo + 1] ?? null) : (at ?? null);
	return { before, after };
}
