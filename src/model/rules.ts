/**
 * Hand-written rules, scored beside the learned model every run (the baselines): the seed's rule
 * (mean of the last 3 prices including the day, BUY 10% under it, SELL 15% over it), the
 * smoother grid (mean reversion to a rolling mean, median or exponentially weighted mean),
 * simple momentum (a k-observation change of at least +t is a BUY, of at most -t a SELL) and
 * always-HOLD. A rule reads one card's prices up to the day, so every answer is point in time.
 */
import { z } from "zod";
import { EstimatorSpec, estimateSeries, estimatorId } from "./estimators";
import type { Signal } from "./signal";

const threshold = z.number().gt(0).lt(1);

/** A rule's spec, stored with a rule model version. */
export const RuleSpec = z.discriminatedUnion("rule", [
	z.object({ rule: z.literal("hold") }),
	z.object({ rule: z.literal("momentum"), window: z.number().int().min(1).max(365), threshold }),
	z.object({ rule: z.literal("fair_value"), fair: EstimatorSpec, buy_threshold: threshold, sell_threshold: threshold }),
]);
export type RuleSpec = z.infer<typeof RuleSpec>;

/** A stable id: `hold`, `momentum_7/0.1`, `trailing_mean_3/b0.1/s0.15`. */
export function ruleId(spec: RuleSpec): string {
	if (spec.rule === "hold") return "hold";
	if (spec.rule === "momentum") return `momentum_${spec.window}/${spec.threshold}`;
	return `${estimatorId(spec.fair)}/b${spec.buy_threshold}/s${spec.sell_threshold}`;
}

/** The seed's rule: the original Python platform's. */
export const SEED_RULE: RuleSpec = {
	rule: "fair_value",
	fair: { estimator: "trailing_mean", window: 3 },
	buy_threshold: 0.1,
	sell_threshold: 0.15,
};

/** Every baseline, the seed's rule first and always-HOLD last. */
export function baselineRules(): RuleSpec[] {
	const smoothers: EstimatorSpec[] = [
		{ estimator: "rolling_mean", window: 3 },
		{ estimator: "rolling_mean", window: 7 },
		{ estimator: "rolling_mean", window: 14 },
		{ estimator: "rolling_median", window: 3 },
		{ estimator: "rolling_median", window: 7 },
		{ estimator: "rolling_median", window: 14 },
		{ estimator: "ewm", halflife: 3 },
		{ estimator: "ewm", halflife: 7 },
	];
	const pairs = [
		[0.05, 0.05],
		[0.05, 0.1],
		[0.1, 0.1],
	] as const;
	return [
		SEED_RULE,
		...smoothers.flatMap((fair) =>
			pairs.map(([b, s]): RuleSpec => ({ rule: "fair_value", fair, buy_threshold: b, sell_threshold: s })),
		),
		...[3, 7, 14].flatMap((window) => [0.05, 0.1].map((t): RuleSpec => ({ rule: "momentum", window, threshold: t }))),
		{ rule: "hold" },
	];
}

/** One day's answer from a rule: its signal and the price it points at (null where it has none). */
export type RuleAnswer = { signal: Signal; fair: number | null };

/**
 * A rule's answer on every observed day of a card. Fair-value rules answer a fair value and the
 * signal of the deviation `(price - fair) / fair`; momentum answers the price extrapolated by
 * its change; always-HOLD answers the price itself.
 */
export function ruleSeries(spec: RuleSpec, prices: readonly number[]): RuleAnswer[] {
	if (spec.rule === "hold") return prices.map((p) => ({ signal: "HOLD", fair: p }));
	if (spec.rule === "momentum")
		return prices.map((p, j) => {
			if (j < spec.window) return { signal: "HOLD", fair: null };
			const change = p / (prices[j - spec.window] as number) - 1;
			const signal: Signal = change >= spec.threshold ? "BUY" : change <= -spec.threshold ? "SELL" : "HOLD";
			return { signal, fair: p * (1 + change) };
		});
	const fair = estimateSeries(prices, spec.fair);
	return prices.map((p, j) => {
		const f = fair[j] ?? null;
		if (f === null || !(f > 0)) return { signal: "HOLD", fair: null };
		const dev = (p - f) / f;
		const signal: Signal = dev <= -spec.buy_threshold ? "BUY" : dev >= spec.sell_threshold ? "SELL" : "HOLD";
		return { signal, fair: f };
	});
}

/** Signals as small integers for feature tables: 1 BUY, -1 SELL, 0 HOLD. */
export const signalCode = (s: Signal) => (s === "BUY" ? 1 : s === "SELL" ? -1 : 0);
/** The signal a code names. */
export const signalOfCode = (c: number): Signal => (c > 0 ? "BUY" : c < 0 ? "SELL" : "HOLD");
