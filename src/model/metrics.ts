/**
 * Backtest metrics, the champion objective and the validation gate: pure functions over tallies.
 */
import type { NaiveTally, Tally } from "./backtest";

/** The figures reported for one candidate in one window (null where undefined, e.g. no BUY signals). */
export type Metrics = {
	points: number;
	coverage: number | null;
	mape: number | null;
	rmse: number | null;
	buy_rate: number | null;
	sell_rate: number | null;
	hold_rate: number | null;
	signal_rate: number | null;
	buy_precision: number | null;
	buy_recall: number | null;
	buy_base_rate: number | null;
	sell_precision: number | null;
	sell_recall: number | null;
	sell_base_rate: number | null;
	flip_rate: number | null;
	/** Labelled BUY and SELL signals: the alerts the objective scores. */
	alerts: number;
	/** The champion objective (see `objective`); null when the candidate is not eligible. */
	score: number | null;
};

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * The champion objective, on alert quality: the mean precision lift of a candidate's labelled
 * alerts over their base rates. Each BUY scores 1 if the price then rose by the move within the
 * horizon, each SELL 1 if it fell; from that hit rate we subtract what the same number of random
 * alerts on each side would have scored (the base rates), so a model is rewarded for knowing,
 * not for the market's drift. A candidate is eligible only when its signal rate (BUY+SELL over
 * covered days) is at least `signalRateFloor` and it made at least one labelled alert: a model
 * that never speaks cannot win.
 */
export function objective(t: Tally, signalRateFloor: number): number | null {
	const signalRate = ratio(t.buy + t.sell, t.covered);
	const alerts = t.buy_labelled + t.sell_labelled;
	if (signalRate === null || signalRate < signalRateFloor || alerts === 0 || t.labelled === 0) return null;
	const expected = (t.buy_labelled * t.up + t.sell_labelled * t.down) / t.labelled;
	return (t.buy_hits + t.sell_hits - expected) / alerts;
}

/** The metrics of one tally. */
export function metricsOf(t: Tally, signalRateFloor: number): Metrics {
	return {
		points: t.points,
		coverage: ratio(t.covered, t.points),
		mape: ratio(t.sum_ape, t.errors),
		rmse: t.errors > 0 ? Math.sqrt(t.sum_se / t.errors) : null,
		buy_rate: ratio(t.buy, t.covered),
		sell_rate: ratio(t.sell, t.covered),
		hold_rate: ratio(t.hold, t.covered),
		signal_rate: ratio(t.buy + t.sell, t.covered),
		buy_precision: ratio(t.buy_hits, t.buy_labelled),
		buy_recall: ratio(t.buy_hits, t.up),
		buy_base_rate: ratio(t.up, t.labelled),
		sell_precision: ratio(t.sell_hits, t.sell_labelled),
		sell_recall: ratio(t.sell_hits, t.down),
		sell_base_rate: ratio(t.down, t.labelled),
		flip_rate: ratio(t.flips, t.transitions),
		alerts: t.buy_labelled + t.sell_labelled,
		score: objective(t, signalRateFloor),
	};
}

/** MAPE and RMSE of the naive last-price forecast. */
export const naiveMetrics = (t: NaiveTally) => ({
	mape: ratio(t.sum_ape, t.errors),
	rmse: t.errors > 0 ? Math.sqrt(t.sum_se / t.errors) : null,
});

/**
 * The best eligible candidate: highest score, then lower MAPE, then id (so the choice is
 * deterministic). Null when no candidate is eligible.
 */
export function chooseBest(scored: readonly { id: string; metrics: Metrics }[]): string | null {
	const eligible = scored.filter((s) => s.metrics.score !== null);
	eligible.sort(
		(a, b) =>
			(b.metrics.score as number) - (a.metrics.score as number) ||
			(a.metrics.mape ?? Infinity) - (b.metrics.mape ?? Infinity) ||
			(a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
	);
	return eligible[0]?.id ?? null;
}

/** One check of the validation gate. */
export type GateCheck = { name: string; passed: boolean; value: number | null; limit: number | null; detail: string };

/**
 * The validation gate, on the validation window: MAPE at most `maxMape`, coverage at least
 * `minCoverage`, and no worse than the serving champion on the same window (a higher or equal
 * score; when neither is eligible, a MAPE no higher) unless `force`.
 */
export function gate(
	candidate: Metrics,
	champion: Metrics | null,
	limits: { maxMape: number; minCoverage: number; force: boolean },
): { passed: boolean; checks: GateCheck[] } {
	const checks: GateCheck[] = [
		{
			name: "mape",
			passed: candidate.mape !== null && candidate.mape <= limits.maxMape,
			value: candidate.mape,
			limit: limits.maxMape,
			detail: `MAPE ${fmt(candidate.mape)} must be at most ${fmt(limits.maxMape)}`,
		},
		{
			name: "coverage",
			passed: candidate.coverage !== null && candidate.coverage >= limits.minCoverage,
			value: candidate.coverage,
			limit: limits.minCoverage,
			detail: `coverage ${fmt(candidate.coverage)} must be at least ${fmt(limits.minCoverage)}`,
		},
	];
	if (champion) checks.push(versusChampion(candidate, champion, limits.force));
	return { passed: checks.every((c) => c.passed), checks };
}

function versusChampion(candidate: Metrics, champion: Metrics, force: boolean): GateCheck {
	const byScore = candidate.score !== null || champion.score !== null;
	const [value, limit] = byScore ? [candidate.score, champion.score] : [candidate.mape, champion.mape];
	const noWorse = byScore
		? value !== null && (limit === null || value >= limit - 1e-12)
		: value !== null && (limit === null || value <= limit + 1e-12);
	return {
		name: "vs_champion",
		passed: noWorse || force,
		value,
		limit,
		detail: `${byScore ? "score" : "MAPE"} ${fmt(value)} against the champion's ${fmt(limit)} on the same window${
			!noWorse && force ? " (worse, but forced)" : ""
		}`,
	};
}

const fmt = (v: number | null) => (v === null ? "n/a" : String(Math.round(v * 10_000) / 10_000));
