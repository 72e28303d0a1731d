/**
 * Choosing the learned model's signal policy on the selection window: every distance from the
 * base rate (the same on both sides: a separate one per side chose noise in the backtest) and
 * every floor on the probability of a move is scored on the held-out selection predictions, and
 * the policy with the highest pooled edge wins among those that give each side at least
 * `minDecided` decided signals with an edge of at least 0, and a signal rate of at least the
 * floor. Pure.
 */
import type { Outcome } from "./first-passage";
import { answerOf, type Policy } from "./forecaster";
import { type DirectionMetrics, emptyTally, metricsOf, tallyDay } from "./scoring";

/** The grid searched. */
export const DELTAS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3] as const;
export const MOVE_FLOORS = [0, 0.05, 0.1, 0.2] as const;

/**
 * Held-out rows to choose on: calibrated q_up, the base rate of the model that predicted the
 * row (the share up among the decided days it was fitted on), move probability, price, outcome.
 */
export type PolicyRows = {
	q: ArrayLike<number>;
	base: ArrayLike<number>;
	move: ArrayLike<number>;
	price: ArrayLike<number>;
	outcome: Outcome[];
};

/** Limits the policy must meet. */
export type PolicyLimits = {
	signalRateFloor: number;
	minDecided: number;
	minPrice: number;
	moveSize: number;
	horizonDays: number;
};

/** What a candidate policy scores on the rows (every answered day whose price is at least minPrice). */
export function scorePolicy(rows: PolicyRows, policy: Policy, limits: PolicyLimits): DirectionMetrics {
	const t = emptyTally();
	const model = { policy, min_price: limits.minPrice, move_size: limits.moveSize, horizon_days: limits.horizonDays };
	for (let i = 0; i < rows.outcome.length; i++) {
		const price = rows.price[i] as number;
		if (price < limits.minPrice) continue;
		const a = answerOf(rows.q[i] as number, rows.base[i] as number, rows.move[i] as number, price, model);
		tallyDay(t, { signal: a.signal, outcome: rows.outcome[i] as Outcome, q_up: a.q_up });
	}
	return metricsOf(t);
}

/** Whether metrics meet the limits: both sides decided often enough with an edge of at least 0, and the floor. */
export function meetsLimits(
	m: DirectionMetrics,
	limits: Pick<PolicyLimits, "signalRateFloor" | "minDecided">,
): boolean {
	return (
		m.pooled_edge !== null &&
		(m.signal_rate ?? 0) >= limits.signalRateFloor &&
		m.buy.decided >= limits.minDecided &&
		m.sell.decided >= limits.minDecided &&
		(m.buy.edge ?? -1) >= 0 &&
		(m.sell.edge ?? -1) >= 0
	);
}

/** The best policy on the rows, or null when none meets the limits. */
export function choosePolicy(
	rows: PolicyRows,
	limits: PolicyLimits,
): { policy: Policy; metrics: DirectionMetrics } | null {
	let best: { policy: Policy; metrics: DirectionMetrics } | null = null;
	for (const delta of DELTAS)
		for (const min_move of MOVE_FLOORS) {
			const policy: Policy = { buy_delta: delta, sell_delta: delta, min_move };
			const metrics = scorePolicy(rows, policy, limits);
			if (!meetsLimits(metrics, limits)) continue;
			const edge = metrics.pooled_edge as number;
			const bestEdge = best?.metrics.pooled_edge ?? -Infinity;
			if (edge > bestEdge + 1e-12) best = { policy, metrics };
		}
	return best;
}
