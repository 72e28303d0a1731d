/** The candidate grid the pipeline trains and evaluates every run. */
import { type Candidate, candidateId, type Windows } from "./backtest";
import { addDays } from "./dates";
import type { EstimatorSpec } from "./estimators";
import type { ModelSpec, Thresholds } from "./fair-value";

/**
 * The estimators tried every run: the original baseline (trailing mean of `baselineWindow`
 * prices including the day) and leak-free ones over prices before the day.
 */
export function candidateEstimators(baselineWindow: number): EstimatorSpec[] {
	return [
		{ estimator: "trailing_mean", window: baselineWindow },
		{ estimator: "rolling_mean", window: 3 },
		{ estimator: "rolling_mean", window: 7 },
		{ estimator: "rolling_mean", window: 14 },
		{ estimator: "rolling_median", window: 3 },
		{ estimator: "rolling_median", window: 7 },
		{ estimator: "rolling_median", window: 14 },
		{ estimator: "ewm", halflife: 3 },
		{ estimator: "ewm", halflife: 7 },
	];
}

/** Threshold pairs tried with each estimator: the configured pair first, then a fixed grid. */
export function candidateThresholds(configured: Thresholds): Thresholds[] {
	const grid: Thresholds[] = [
		configured,
		{ buy_threshold: 0.05, sell_threshold: 0.05 },
		{ buy_threshold: 0.05, sell_threshold: 0.1 },
		{ buy_threshold: 0.1, sell_threshold: 0.1 },
	];
	const seen = new Set<string>();
	return grid.filter((t) => {
		const key = `${t.buy_threshold}/${t.sell_threshold}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/** Every estimator with every threshold pair, plus `extra` specs (the serving champion's). */
export function candidateGrid(
	config: { FAIR_VALUE_WINDOW: number; BUY_THRESHOLD: number; SELL_THRESHOLD: number },
	extra: readonly ModelSpec[] = [],
): Candidate[] {
	const thresholds = candidateThresholds({
		buy_threshold: config.BUY_THRESHOLD,
		sell_threshold: config.SELL_THRESHOLD,
	});
	const specs: ModelSpec[] = candidateEstimators(config.FAIR_VALUE_WINDOW).flatMap((e) =>
		thresholds.map((t) => ({ ...e, ...t }) as ModelSpec),
	);
	const out = new Map<string, Candidate>();
	for (const spec of [...specs, ...extra]) out.set(candidateId(spec), { id: candidateId(spec), spec });
	return [...out.values()];
}

/** The distinct estimators of a set of candidates (one feature column each). */
export function estimatorsOf(candidates: readonly Candidate[]): EstimatorSpec[] {
	const out = new Map<string, EstimatorSpec>();
	for (const { spec } of candidates) {
		const e: EstimatorSpec =
			spec.estimator === "ewm"
				? { estimator: "ewm", halflife: spec.halflife }
				: { estimator: spec.estimator, window: spec.window };
		out.set(JSON.stringify(e), e);
	}
	return [...out.values()];
}

/**
 * The evaluation windows ending at `asOf`: validation is the last `validationDays` days, and
 * selection the `selectionDays` before it.
 */
export function evaluationWindows(asOf: string, selectionDays: number, validationDays: number): Windows {
	const split = addDays(asOf, -validationDays);
	return {
		selection: { after: addDays(split, -selectionDays), through: split },
		validation: { after: split, through: asOf },
	};
}
