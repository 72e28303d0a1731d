/**
 * The fair-value model: pure functions over one card's observed prices.
 * No bindings, no I/O: serving, the artifact builder and the tests share them.
 */

export type Signal = "BUY" | "SELL" | "HOLD";

/** How a fair value is estimated, and where its signal thresholds sit. Stored with each model version. */
export type ModelSpec = {
	/** `trailing_mean`: mean of the last `window` observed prices up to and including the day. */
	estimator: "trailing_mean";
	window: number;
	/** BUY when deviation <= -buy_threshold (a fraction, 0.10 = 10%). */
	buy_threshold: number;
	/** SELL when deviation >= sell_threshold. */
	sell_threshold: number;
};

/** One evaluated day of a card. `deviation_pct` is null when the fair value is not positive. */
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

/**
 * Mean of the last `window` observed prices ending at `index` (inclusive). Observations, not
 * calendar days: a gap in dates does not shorten the window. With fewer than `window`
 * observations the mean of those there are is used, so a card's first day is its own price.
 */
export function trailingMean(prices: readonly number[], index: number, window: number): number {
	if (index < 0 || index >= prices.length) throw new RangeError(`index ${index} outside the series`);
	const start = Math.max(0, index - window + 1);
	let sum = 0;
	for (let i = start; i <= index; i++) sum += prices[i] as number;
	return sum / (index - start + 1);
}

/** `(market - fair) / fair` as a fraction, or null when fair is not a positive finite number. */
export function deviation(market: number, fair: number): number | null {
	if (!Number.isFinite(fair) || fair <= 0 || !Number.isFinite(market)) return null;
	return (market - fair) / fair;
}

/** BUY at or below -buy_threshold, SELL at or above sell_threshold, HOLD otherwise (and without a deviation). */
export function classify(dev: number | null, spec: Pick<ModelSpec, "buy_threshold" | "sell_threshold">): Signal {
	if (dev === null) return "HOLD";
	if (dev <= -spec.buy_threshold) return "BUY";
	if (dev >= spec.sell_threshold) return "SELL";
	return "HOLD";
}

/**
 * Evaluates the day at `index`. The fair value is rounded to 4 places and the deviation to 6,
 * and the signal is taken from the rounded deviation, so the numbers a client sees always
 * agree with the signal beside them (a deviation of exactly -0.10 is a BUY at 0.10).
 */
export function evaluateAt(
	dates: readonly string[],
	prices: readonly number[],
	index: number,
	spec: ModelSpec,
): Evaluation {
	const market = prices[index];
	const date = dates[index];
	if (market === undefined || date === undefined) throw new RangeError(`index ${index} outside the series`);
	const fair = trailingMean(prices, index, spec.window);
	const raw = deviation(market, fair);
	const dev = raw === null ? null : round(raw, 6);
	return { date, market_price: market, fair_price: round(fair, 4), deviation_pct: dev, signal: classify(dev, spec) };
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
