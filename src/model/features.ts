/**
 * The feature table the pipeline trains on: one row per card and observed day, with every
 * candidate estimator's fair value for that day and what happened next. Pure: built from card
 * series, no I/O. Nothing in a day's fair values comes from after that day; the columns that
 * look ahead (`next_price`, `fwd_max`, `fwd_min`) are the backtest's targets, never its inputs.
 */
import type { CardSeries } from "./card-series";
import { addDays } from "./dates";
import { type EstimatorSpec, estimateSeries, estimatorId } from "./estimators";

/** Column-oriented features (parallel arrays, ascending by card then date). */
export type FeatureColumns = {
	card_id: string[];
	date: string[];
	price: number[];
	/** Return since the card's previous observation (`price / previous - 1`); null on its first day. */
	ret: (number | null)[];
	/** The card's next observed price; null on its last day. */
	next_price: (number | null)[];
	/** Highest / lowest observed price in (date, date + horizon days]; null when none is observed. */
	fwd_max: (number | null)[];
	fwd_min: (number | null)[];
	/** Whether the whole horizon lies on or before the data's as-of date, so the move is known. */
	labelled: boolean[];
	/** Fair value per estimator id (`trailing_mean_3`, `rolling_median_7`, ...). */
	fair: Record<string, (number | null)[]>;
};

/** An empty feature table with a fair-value column per estimator. */
function emptyFeatures(estimators: readonly EstimatorSpec[]): FeatureColumns {
	return {
		card_id: [],
		date: [],
		price: [],
		ret: [],
		next_price: [],
		fwd_max: [],
		fwd_min: [],
		labelled: [],
		fair: Object.fromEntries(estimators.map((e) => [estimatorId(e), []])),
	};
}

/**
 * Builds the features of `series` as of `asOf` (the latest observed date across the data) for
 * `horizonDays`, with one fair-value column per estimator.
 */
export function buildFeatures(
	series: readonly CardSeries[],
	estimators: readonly EstimatorSpec[],
	options: { asOf: string; horizonDays: number },
): FeatureColumns {
	const out = emptyFeatures(estimators);
	for (const s of series) {
		const n = s.prices.length;
		for (const e of estimators) out.fair[estimatorId(e)]?.push(...estimateSeries(s.prices, e));
		for (let i = 0; i < n; i++) {
			const date = s.dates[i] as string;
			const price = s.prices[i] as number;
			const previous = i > 0 ? (s.prices[i - 1] as number) : null;
			const horizonEnd = addDays(date, options.horizonDays);
			let max: number | null = null;
			let min: number | null = null;
			for (let k = i + 1; k < n && (s.dates[k] as string) <= horizonEnd; k++) {
				const p = s.prices[k] as number;
				max = max === null || p > max ? p : max;
				min = min === null || p < min ? p : min;
			}
			out.card_id.push(s.card_id);
			out.date.push(date);
			out.price.push(price);
			out.ret.push(previous !== null && previous > 0 ? price / previous - 1 : null);
			out.next_price.push(i + 1 < n ? (s.prices[i + 1] as number) : null);
			out.fwd_max.push(max);
			out.fwd_min.push(min);
			out.labelled.push(horizonEnd <= options.asOf);
		}
	}
	return out;
}
