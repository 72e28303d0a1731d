/**
 * Per card-day features from one card's own prices: every value on day j is computed from the
 * card's observations on or before day j only (point in time). Windows count observations, not
 * calendar days, so a gap in dates does not shorten them. Prices enter as logarithms, so a
 * feature means the same for a $2 card as for a $200 one. Pure, no I/O.
 */
import { daysBetween } from "./dates";

/** The card-level features, in the order the model stores them. */
export const CARD_FEATURES = [
	"r1",
	"r3",
	"r7",
	"r14",
	"dmed7",
	"dmed14",
	"dmed30",
	"dmax7",
	"dmax14",
	"dmax30",
	"dmin7",
	"dmin14",
	"dmin30",
	"vol7",
	"vol14",
	"moves7",
	"moves14",
	"stale",
	"nobs",
	"lvl",
	"lastmv",
	"ups14",
	"dns14",
	"dsmax",
	"gap",
] as const;
export type CardFeature = (typeof CARD_FEATURES)[number];

/** What each feature measures (README and MODEL.md repeat it). */
export const FEATURE_DOC: Record<string, string> = {
	r1: "log return since the previous observation",
	r3: "log return over the last 3 observations",
	r7: "log return over the last 7 observations",
	r14: "log return over the last 14 observations",
	dmed7: "log distance from the median of the last 7 observed prices (including the day)",
	dmed14: "log distance from the 14-observation median",
	dmed30: "log distance from the 30-observation median",
	dmax7: "log distance from the 7-observation high",
	dmax14: "log distance from the 14-observation high",
	dmax30: "log distance from the 30-observation high",
	dmin7: "log distance from the 7-observation low",
	dmin14: "log distance from the 14-observation low",
	dmin30: "log distance from the 30-observation low",
	vol7: "standard deviation of the last 6 log returns",
	vol14: "standard deviation of the last 13 log returns",
	moves7: "share of the last 6 observation-to-observation changes that were not zero (liquidity)",
	moves14: "share of the last 13 changes that were not zero",
	stale: "calendar days since the price last changed",
	nobs: "observations so far (days observed)",
	lvl: "log price (price level)",
	lastmv: "log size and sign of the last change that was not zero",
	ups14: "share of the last 14 changes that were rises",
	dns14: "share of the last 14 changes that were falls",
	dsmax: "observations since the 30-observation high",
	gap: "calendar days since the previous observation",
	mkt_r1: "the whole market's mean 1-observation log return that day",
	mkt_r7: "the whole market's mean 7-observation log return that day",
	set_r1: "the card's set's mean 1-observation log return that day",
	set_r7: "the card's set's mean 7-observation log return that day",
	rel_r1: "the card's 1-observation return less its set's",
	rel_r7: "the card's 7-observation return less its set's",
};

/** Column-oriented card features of one card (NaN where a feature is undefined). */
export type CardFeatureColumns = Record<CardFeature, Float64Array>;

const median = (values: number[]) => {
	values.sort((a, b) => a - b);
	const mid = values.length >> 1;
	return values.length % 2 === 1
		? (values[mid] as number)
		: ((values[mid - 1] as number) + (values[mid] as number)) / 2;
};

/** Population standard deviation of consecutive differences of `v[from..to]` (0 with fewer than two). */
function diffStd(v: Float64Array, from: number, to: number): number {
	const n = to - from;
	if (n < 2) return 0;
	let sum = 0;
	for (let k = from + 1; k <= to; k++) sum += (v[k] as number) - (v[k - 1] as number);
	const mean = sum / n;
	let ss = 0;
	for (let k = from + 1; k <= to; k++) ss += ((v[k] as number) - (v[k - 1] as number) - mean) ** 2;
	return Math.sqrt(ss / n);
}

/** Share of consecutive differences of `v[from..to]` that satisfy `keep` (`empty` with none). */
function diffShare(v: Float64Array, from: number, to: number, keep: (d: number) => boolean, empty: number): number {
	const n = to - from;
	if (n < 1) return empty;
	let hits = 0;
	for (let k = from + 1; k <= to; k++) if (keep((v[k] as number) - (v[k - 1] as number))) hits++;
	return hits / n;
}

/**
 * The card-level features of every observed day of a card (`dates` ascending, one price each,
 * all positive). Day j's values read observations 0..j only.
 */
export function cardFeatures(dates: readonly string[], prices: readonly number[]): CardFeatureColumns {
	const n = prices.length;
	const out = Object.fromEntries(
		CARD_FEATURES.map((f) => [f, new Float64Array(n).fill(Number.NaN)]),
	) as CardFeatureColumns;
	const lp = Float64Array.from(prices, (p) => Math.log(p));
	let lastChangeIndex = 0;
	let lastMove = Number.NaN;
	for (let j = 0; j < n; j++) {
		const v = lp[j] as number;
		for (const k of [1, 3, 7, 14] as const) if (j >= k) out[`r${k}`][j] = v - (lp[j - k] as number);
		for (const k of [7, 14, 30] as const) {
			const from = Math.max(0, j - k + 1);
			const window = Array.from(lp.subarray(from, j + 1));
			let hi = -Infinity;
			let lo = Infinity;
			for (const x of window) {
				if (x > hi) hi = x;
				if (x < lo) lo = x;
			}
			out[`dmed${k}`][j] = v - median(window);
			out[`dmax${k}`][j] = v - hi;
			out[`dmin${k}`][j] = v - lo;
		}
		out.vol7[j] = diffStd(lp, Math.max(0, j - 6), j);
		out.vol14[j] = diffStd(lp, Math.max(0, j - 13), j);
		out.moves7[j] = diffShare(lp, Math.max(0, j - 6), j, (d) => d !== 0, 0);
		out.moves14[j] = diffShare(lp, Math.max(0, j - 13), j, (d) => d !== 0, 0);
		out.ups14[j] = diffShare(lp, Math.max(0, j - 14), j, (d) => d > 0, Number.NaN);
		out.dns14[j] = diffShare(lp, Math.max(0, j - 14), j, (d) => d < 0, Number.NaN);
		if (j > 0 && v !== lp[j - 1]) {
			lastChangeIndex = j;
			lastMove = v - (lp[j - 1] as number);
		}
		out.lastmv[j] = lastMove;
		out.stale[j] = daysBetween(dates[lastChangeIndex] as string, dates[j] as string);
		out.nobs[j] = j + 1;
		out.lvl[j] = v;
		out.gap[j] = j > 0 ? daysBetween(dates[j - 1] as string, dates[j] as string) : Number.NaN;
		const from = Math.max(0, j - 29);
		let best = from;
		for (let k = from + 1; k <= j; k++) if ((lp[k] as number) > (lp[best] as number)) best = k;
		out.dsmax[j] = j - best;
	}
	return out;
}

/** Calendar days since the price last changed, and days observed: the evidence an answer shows. */
export function evidenceAt(dates: readonly string[], prices: readonly number[], index: number) {
	let k = index;
	while (k > 0 && prices[k - 1] === prices[k]) k--;
	return {
		observations: index + 1,
		days_since_change: daysBetween(dates[k] as string, dates[index] as string),
	};
}
