/**
 * Fair-value estimators: pure functions over one card's observed prices (ascending by date).
 * Windows count observations, not calendar days, so a gap in dates does not shorten them.
 */
import { z } from "zod";

/** A window size in observations. */
export const WindowSize = z.number().int().min(1).max(365);
/** A half-life in observations. */
export const HalfLife = z.number().positive().max(365);

/**
 * How a fair value is estimated.
 * - `trailing_mean`: mean of the last `window` prices up to and including the day (the
 *   original baseline; the day's own price is part of its fair value).
 * - `rolling_mean` / `rolling_median`: mean / median of the last `window` prices strictly
 *   before the day (leak-free: the day's price never judges itself).
 * - `ewm`: exponentially weighted mean of every price before the day, weights halving every
 *   `halflife` observations.
 * With fewer observations than `window`, the ones there are are used. A leak-free estimator
 * has no fair value on a card's first observed day (there is no earlier price): it returns null.
 */
export const EstimatorSpec = z.discriminatedUnion("estimator", [
	z.object({ estimator: z.literal("trailing_mean"), window: WindowSize }),
	z.object({ estimator: z.literal("rolling_mean"), window: WindowSize }),
	z.object({ estimator: z.literal("rolling_median"), window: WindowSize }),
	z.object({ estimator: z.literal("ewm"), halflife: HalfLife }),
]);
export type EstimatorSpec = z.infer<typeof EstimatorSpec>;

/** A stable name for an estimator and its parameter, used as a feature column and in candidate ids. */
export function estimatorId(spec: EstimatorSpec): string {
	return spec.estimator === "ewm" ? `ewm_h${spec.halflife}` : `${spec.estimator}_${spec.window}`;
}

/** The smoothing factor of an exponentially weighted mean with this half-life (in observations). */
export const ewmAlpha = (halflife: number) => 1 - 2 ** (-1 / halflife);

/** Mean of `prices[start..end)`, summed in index order. */
function meanOf(prices: readonly number[], start: number, end: number): number {
	let sum = 0;
	for (let i = start; i < end; i++) sum += prices[i] as number;
	return sum / (end - start);
}

/** Median of `prices[start..end)`: the middle value, or the mean of the two middle values. */
function medianOf(prices: readonly number[], start: number, end: number): number {
	const sorted = prices.slice(start, end).sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1
		? (sorted[mid] as number)
		: ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Mean of the last `window` observed prices ending at `index` (inclusive). With fewer than
 * `window` observations the mean of those there are is used, so a card's first day is its own price.
 */
export function trailingMean(prices: readonly number[], index: number, window: number): number {
	if (index < 0 || index >= prices.length) throw new RangeError(`index ${index} outside the series`);
	return meanOf(prices, Math.max(0, index - window + 1), index + 1);
}

/**
 * The fair value of the day at `index` under `spec`, or null when the estimator has nothing to
 * go on (a leak-free estimator on a card's first day).
 */
export function estimate(prices: readonly number[], index: number, spec: EstimatorSpec): number | null {
	if (index < 0 || index >= prices.length) throw new RangeError(`index ${index} outside the series`);
	switch (spec.estimator) {
		case "trailing_mean":
			return trailingMean(prices, index, spec.window);
		case "rolling_mean":
			return index === 0 ? null : meanOf(prices, Math.max(0, index - spec.window), index);
		case "rolling_median":
			return index === 0 ? null : medianOf(prices, Math.max(0, index - spec.window), index);
		case "ewm":
			return index === 0 ? null : ewmBefore(prices, index, ewmAlpha(spec.halflife));
	}
}

/** The exponentially weighted mean of `prices[0..index)`, seeded with the first price. */
function ewmBefore(prices: readonly number[], index: number, alpha: number): number {
	let m = prices[0] as number;
	for (let k = 1; k < index; k++) m = alpha * (prices[k] as number) + (1 - alpha) * m;
	return m;
}

/**
 * Every day's fair value in one pass: the same numbers `estimate` gives day by day (the same
 * operations in the same order), in linear time for the exponentially weighted mean.
 */
export function estimateSeries(prices: readonly number[], spec: EstimatorSpec): (number | null)[] {
	if (spec.estimator !== "ewm") return prices.map((_, i) => estimate(prices, i, spec));
	const alpha = ewmAlpha(spec.halflife);
	const out: (number | null)[] = [];
	let m = prices[0] as number;
	for (let i = 0; i < prices.length; i++) {
		if (i === 0) out.push(null);
		else {
			if (i > 1) m = alpha * (prices[i - 1] as number) + (1 - alpha) * m;
			out.push(m);
		}
	}
	return out;
}
