import { describe, expect, it } from "vitest";
import { evaluateAt, judge, ModelSpec } from "../../../src/model/fair-value";
import { lastDay, SPEC } from "../../helpers/evaluate";

describe("ModelSpec and the leak-free estimators", () => {
	it("parses a spec stored before the leak-free estimators existed, unchanged", () => {
		const stored = { estimator: "trailing_mean", window: 3, buy_threshold: 0.1, sell_threshold: 0.15 };
		expect(ModelSpec.parse(stored)).toEqual(stored);
	});

	it("parses every estimator, and refuses a spec missing its parameter or with a threshold out of range", () => {
		expect(ModelSpec.parse({ estimator: "ewm", halflife: 7, buy_threshold: 0.05, sell_threshold: 0.1 }).estimator).toBe(
			"ewm",
		);
		expect(ModelSpec.safeParse({ estimator: "rolling_median", buy_threshold: 0.1, sell_threshold: 0.1 }).success).toBe(
			false,
		);
		expect(
			ModelSpec.safeParse({ estimator: "rolling_mean", window: 7, buy_threshold: 1.5, sell_threshold: 0.1 }).success,
		).toBe(false);
		expect(
			ModelSpec.safeParse({ estimator: "magic", window: 7, buy_threshold: 0.1, sell_threshold: 0.1 }).success,
		).toBe(false);
	});

	it("evaluates a card's first day under a leak-free estimator as its own price, no deviation, HOLD", () => {
		const spec: ModelSpec = { estimator: "rolling_median", window: 7, buy_threshold: 0.1, sell_threshold: 0.15 };
		expect(evaluateAt(["2026-01-01", "2026-01-02"], [50, 40], 0, spec)).toEqual({
			date: "2026-01-01",
			market_price: 50,
			fair_price: 50,
			deviation_pct: null,
			signal: "HOLD",
		});
	});

	it("judges the day against prior prices only: a drop below the prior median is a BUY", () => {
		const spec: ModelSpec = { estimator: "rolling_median", window: 3, buy_threshold: 0.1, sell_threshold: 0.15 };
		// Prior prices 100, 104, 96: median 100; market 85 is 15% under it.
		expect(lastDay([100, 104, 96, 85], spec)).toMatchObject({ fair_price: 100, deviation_pct: -0.15, signal: "BUY" });
	});

	it("judge rounds like serving and classifies from the rounded deviation", () => {
		expect(judge(90, 100, SPEC)).toEqual({ fair_price: 100, deviation_pct: -0.1, signal: "BUY" });
		expect(judge(90, null, SPEC)).toEqual({ fair_price: 90, deviation_pct: null, signal: "HOLD" });
		expect(judge(90, 0, SPEC)).toEqual({ fair_price: 0, deviation_pct: null, signal: "HOLD" });
	});
});
