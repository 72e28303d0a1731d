import { evaluateAt, type ModelSpec } from "../../src/model/fair-value";

/** The baseline spec: mean of the last 3 prices including the day, BUY at -10 %, SELL at +15 %. */
export const SPEC = {
	estimator: "trailing_mean",
	window: 3,
	buy_threshold: 0.1,
	sell_threshold: 0.15,
} satisfies ModelSpec;

/** Evaluates the last day of a price list on consecutive made-up dates. */
export const lastDay = (prices: number[], spec: ModelSpec = SPEC) =>
	evaluateAt(
		prices.map((_, i) => `2026-01-${String(i + 1).padStart(2, "0")}`),
		prices,
		prices.length - 1,
		spec,
	);
