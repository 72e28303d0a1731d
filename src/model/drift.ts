/**
 * Drift of daily returns: the recent window against a reference window, as a population
 * stability index (PSI) and a two-sample Kolmogorov-Smirnov statistic. Returns are counted into
 * fixed fine bins, so per-shard histograms merge exactly by summing.
 */

/** Fine bins: below -50%, 200 bins of 0.5 percentage points over [-50%, +50%), then at or above +50%. */
export const RETURN_BINS = 202;
const BIN_WIDTH = 0.005;

/** The fine bin of a return. */
export function binOf(r: number): number {
	if (r < -0.5) return 0;
	if (r >= 0.5) return RETURN_BINS - 1;
	return Math.min(RETURN_BINS - 2, Math.max(1, Math.floor((r + 0.5) / BIN_WIDTH) + 1));
}

/** A zeroed histogram. */
export const emptyHistogram = () => new Array<number>(RETURN_BINS).fill(0);

/** Sums `from` into `into` (same bins). */
export function addHistogram(into: number[], from: readonly number[]): number[] {
	for (let i = 0; i < RETURN_BINS; i++) into[i] = (into[i] as number) + (from[i] ?? 0);
	return into;
}

const total = (h: readonly number[]) => h.reduce((a, b) => a + b, 0);

/**
 * The two-sample KS statistic of two binned samples: the largest gap between their cumulative
 * distributions at a bin edge. Exact for the binned data; within one bin width of the raw
 * statistic. Null when either sample is empty.
 */
export function ksStatistic(reference: readonly number[], recent: readonly number[]): number | null {
	const nr = total(reference);
	const nc = total(recent);
	if (nr === 0 || nc === 0) return null;
	let cr = 0;
	let cc = 0;
	let d = 0;
	for (let i = 0; i < RETURN_BINS; i++) {
		cr += reference[i] ?? 0;
		cc += recent[i] ?? 0;
		d = Math.max(d, Math.abs(cr / nr - cc / nc));
	}
	return d;
}

/**
 * PSI over `buckets` buckets cut at the reference's quantiles (whole fine bins, so a spike such
 * as many unchanged days stays one bucket): sum of (recent - reference) * ln(recent / reference)
 * over bucket shares, with empty shares floored at 0.0001. Null when either sample is empty.
 */
export function psi(reference: readonly number[], recent: readonly number[], buckets = 10): number | null {
	const nr = total(reference);
	const nc = total(recent);
	if (nr === 0 || nc === 0) return null;
	const edges: number[] = []; // exclusive end bin of each bucket
	let cum = 0;
	let next = 1; // the next quantile (next / buckets) to cut at
	for (let i = 0; i < RETURN_BINS - 1; i++) {
		cum += reference[i] ?? 0;
		if (next < buckets && cum >= (nr * next) / buckets) {
			edges.push(i + 1);
			while (next < buckets && cum >= (nr * next) / buckets) next++;
		}
	}
	edges.push(RETURN_BINS);
	let start = 0;
	let value = 0;
	for (const end of edges) {
		if (end <= start) continue;
		let r = 0;
		let c = 0;
		for (let i = start; i < end; i++) {
			r += reference[i] ?? 0;
			c += recent[i] ?? 0;
		}
		const e = Math.max(r / nr, 1e-4);
		const a = Math.max(c / nc, 1e-4);
		value += (a - e) * Math.log(a / e);
		start = end;
	}
	return value;
}

/** A run's drift figures. `flagged` when PSI or KS is above its threshold. */
export type DriftReport = {
	psi: number | null;
	ks: number | null;
	reference_n: number;
	recent_n: number;
	flagged: boolean;
};

/** Compares the recent histogram with the reference one. */
export function driftReport(
	reference: readonly number[],
	recent: readonly number[],
	thresholds: { psi: number; ks: number },
): DriftReport {
	const p = psi(reference, recent);
	const k = ksStatistic(reference, recent);
	return {
		psi: p,
		ks: k,
		reference_n: total(reference),
		recent_n: total(recent),
		flagged: (p !== null && p > thresholds.psi) || (k !== null && k > thresholds.ks),
	};
}
