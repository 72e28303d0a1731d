/**
 * Directional scoring by first passage: how often a rule's BUYs were followed by the price
 * reaching +move first (and its SELLs by -move first), against the base rate, the share of
 * decided days whose first move went that way. A day is decided when either move happened
 * within the horizon; undecided days count for the signal rate only. Pure; tallies add up.
 */

import type { Outcome } from "./first-passage";
import type { Signal } from "./signal";

/** Counts for one side. */
export type SideTally = { signals: number; decided: number; right: number };

/** Additive counts of one candidate over some scored days. */
export type DirectionTally = {
	/** Scored days (every covered day the candidate answered). */
	days: number;
	/** Days whose first move happened within the horizon, and how many went up. */
	decided: number;
	up: number;
	buy: SideTally;
	sell: SideTally;
	/** Squared error of the probability of "up first" on decided days, its count, and the sum of that probability. */
	brier_sum: number;
	brier_n: number;
	/** Absolute percentage error of the fair price against the price at the horizon. */
	ape_sum: number;
	ape_n: number;
};

/** An empty tally. */
export const emptyTally = (): DirectionTally => ({
	days: 0,
	decided: 0,
	up: 0,
	buy: { signals: 0, decided: 0, right: 0 },
	sell: { signals: 0, decided: 0, right: 0 },
	brier_sum: 0,
	brier_n: 0,
	ape_sum: 0,
	ape_n: 0,
});

/** One scored day: the signal, its outcome, and where known the probability of up-first, the fair price and the later price. */
export type ScoredDay = {
	signal: Signal;
	outcome: Outcome;
	q_up?: number | null;
	fair?: number | null;
	later?: number | null;
};

/** Counts one day into `t`. */
export function tallyDay(t: DirectionTally, d: ScoredDay): void {
	t.days++;
	const decided = d.outcome !== "none";
	if (decided) {
		t.decided++;
		if (d.outcome === "up") t.up++;
	}
	const side = d.signal === "BUY" ? t.buy : d.signal === "SELL" ? t.sell : null;
	if (side) {
		side.signals++;
		if (decided) {
			side.decided++;
			if ((d.signal === "BUY") === (d.outcome === "up")) side.right++;
		}
	}
	if (decided && d.q_up !== null && d.q_up !== undefined) {
		t.brier_sum += (d.q_up - (d.outcome === "up" ? 1 : 0)) ** 2;
		t.brier_n++;
	}
	if (d.fair !== null && d.fair !== undefined && d.later !== null && d.later !== undefined && d.later > 0) {
		t.ape_sum += Math.abs(d.fair - d.later) / d.later;
		t.ape_n++;
	}
}

/** Sums `b` into `a`. */
export function addTally(a: DirectionTally, b: DirectionTally): DirectionTally {
	for (const k of ["days", "decided", "up", "brier_sum", "brier_n", "ape_sum", "ape_n"] as const) a[k] += b[k];
	for (const s of ["buy", "sell"] as const)
		for (const k of ["signals", "decided", "right"] as const) a[s][k] += b[s][k];
	return a;
}

/** The figures of one side. */
export type SideMetrics = {
	signals: number;
	decided: number;
	right: number;
	precision: number | null;
	base_rate: number | null;
	edge: number | null;
};

/** The figures of a candidate over its scored days. */
export type DirectionMetrics = {
	days: number;
	decided: number;
	buy: SideMetrics;
	sell: SideMetrics;
	/** (right BUYs + right SELLs - what the base rates predict for them) / decided signals. */
	pooled_edge: number | null;
	/** BUY + SELL signals over scored days. */
	signal_rate: number | null;
	brier: number | null;
	/** 1 - Brier / the base rate's own Brier score (positive: better than always forecasting the base rate). */
	brier_skill: number | null;
	mape: number | null;
};

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function side(s: SideTally, base: number | null): SideMetrics {
	const precision = ratio(s.right, s.decided);
	return {
		...s,
		precision,
		base_rate: base,
		edge: precision !== null && base !== null ? precision - base : null,
	};
}

/** The figures of a tally. */
export function metricsOf(t: DirectionTally): DirectionMetrics {
	const upBase = ratio(t.up, t.decided);
	const downBase = upBase === null ? null : 1 - upBase;
	const decidedSignals = t.buy.decided + t.sell.decided;
	const pooled =
		upBase === null || decidedSignals === 0
			? null
			: (t.buy.right + t.sell.right - t.buy.decided * upBase - t.sell.decided * (downBase as number)) / decidedSignals;
	const brier = ratio(t.brier_sum, t.brier_n);
	const baseBrier = upBase === null ? null : upBase * (1 - upBase);
	return {
		days: t.days,
		decided: t.decided,
		buy: side(t.buy, upBase),
		sell: side(t.sell, downBase),
		pooled_edge: pooled,
		signal_rate: ratio(t.buy.signals + t.sell.signals, t.days),
		brier,
		brier_skill: brier !== null && baseBrier !== null && baseBrier > 0 ? 1 - brier / baseBrier : null,
		mape: ratio(t.ape_sum, t.ape_n),
	};
}
