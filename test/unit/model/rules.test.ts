import { describe, expect, it } from "vitest";
import {
	baselineRules,
	RuleSpec,
	ruleId,
	ruleSeries,
	SEED_RULE,
	signalCode,
	signalOfCode,
} from "../../../src/model/rules";

describe("ruleId", () => {
	it("names hold, momentum and fair-value rules stably", () => {
		expect(ruleId({ rule: "hold" })).toBe("hold");
		expect(ruleId({ rule: "momentum", window: 7, threshold: 0.1 })).toBe("momentum_7/0.1");
		expect(ruleId(SEED_RULE)).toBe("trailing_mean_3/b0.1/s0.15");
		expect(
			ruleId({ rule: "fair_value", fair: { estimator: "ewm", halflife: 3 }, buy_threshold: 0.05, sell_threshold: 0.1 }),
		).toBe("ewm_h3/b0.05/s0.1");
	});
});

describe("SEED_RULE and baselineRules", () => {
	it("the seed's rule is the trailing mean of 3, BUY 10% under, SELL 15% over", () => {
		expect(SEED_RULE).toEqual({
			rule: "fair_value",
			fair: { estimator: "trailing_mean", window: 3 },
			buy_threshold: 0.1,
			sell_threshold: 0.15,
		});
	});

	it("lists the seed first, always-HOLD last, every rule valid and named once", () => {
		const rules = baselineRules();
		expect(rules[0]).toEqual(SEED_RULE);
		expect(rules.at(-1)).toEqual({ rule: "hold" });
		// The seed, 8 smoothers x 3 threshold pairs, 3 windows x 2 momentum thresholds, hold.
		expect(rules.length).toBe(1 + 24 + 6 + 1);
		const ids = rules.map(ruleId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toContain("rolling_median_7/b0.05/s0.1");
		expect(ids).toContain("momentum_14/0.05");
		for (const r of rules) expect(RuleSpec.parse(r)).toEqual(r);
	});
});

describe("RuleSpec", () => {
	it("refuses thresholds outside (0, 1) and windows that are not whole observations", () => {
		expect(RuleSpec.safeParse({ rule: "momentum", window: 7, threshold: 0 }).success).toBe(false);
		expect(RuleSpec.safeParse({ rule: "momentum", window: 1.5, threshold: 0.1 }).success).toBe(false);
		expect(RuleSpec.safeParse({ ...SEED_RULE, sell_threshold: 1 }).success).toBe(false);
		expect(RuleSpec.safeParse({ rule: "magic" }).success).toBe(false);
	});
});

describe("ruleSeries", () => {
	it("always-HOLD answers HOLD at the price itself", () => {
		expect(ruleSeries({ rule: "hold" }, [3, 4])).toEqual([
			{ signal: "HOLD", fair: 3 },
			{ signal: "HOLD", fair: 4 },
		]);
	});

	it("momentum signals a k-observation change of at least the threshold and extrapolates the price", () => {
		const spec: RuleSpec = { rule: "momentum", window: 2, threshold: 0.1 };
		expect(ruleSeries(spec, [100, 100, 120, 100, 80])).toEqual([
			// Not enough history for a 2-observation change.
			{ signal: "HOLD", fair: null },
			{ signal: "HOLD", fair: null },
			// +20%: BUY, 120 * 1.2.
			{ signal: "BUY", fair: 144 },
			// 100 / 100: no change.
			{ signal: "HOLD", fair: 100 },
			// 80 / 120 = -1/3: SELL, 80 * 2/3.
			{ signal: "SELL", fair: 80 * (1 + (80 / 120 - 1)) },
		]);
	});

	it("momentum counts a change of exactly the threshold", () => {
		const spec: RuleSpec = { rule: "momentum", window: 1, threshold: 0.25 };
		expect(ruleSeries(spec, [100, 125, 93.75]).map((a) => a.signal)).toEqual(["HOLD", "BUY", "SELL"]);
	});

	it("the seed's rule is BUY at 10% under the 3-price mean and SELL at 15% over it, the day included", () => {
		// Means: 100; (100 + 110) / 2 = 105; (100 + 110 + 90) / 3 = 100 -> 90 is exactly -10%.
		expect(ruleSeries(SEED_RULE, [100, 110, 90])).toEqual([
			{ signal: "HOLD", fair: 100 },
			{ signal: "HOLD", fair: 105 },
			{ signal: "BUY", fair: 100 },
		]);
		// (85 + 100 + 115) / 3 = 100 -> 115 is exactly +15%.
		expect(ruleSeries(SEED_RULE, [85, 100, 115])[2]).toEqual({ signal: "SELL", fair: 100 });
		// Just inside both thresholds.
		expect(ruleSeries(SEED_RULE, [100, 110, 90.01])[2]?.signal).toBe("HOLD");
		expect(ruleSeries(SEED_RULE, [85, 100, 114.99])[2]?.signal).toBe("HOLD");
	});

	it("a leak-free fair value has no answer on the first day, then judges against prior prices only", () => {
		const spec: RuleSpec = {
			rule: "fair_value",
			fair: { estimator: "rolling_mean", window: 2 },
			buy_threshold: 0.05,
			sell_threshold: 0.05,
		};
		expect(ruleSeries(spec, [100, 94, 103])).toEqual([
			{ signal: "HOLD", fair: null },
			// Prior mean 100: -6%.
			{ signal: "BUY", fair: 100 },
			// Prior mean 97: +6.2%.
			{ signal: "SELL", fair: 97 },
		]);
	});

	it("holds without a positive fair value", () => {
		expect(ruleSeries(SEED_RULE, [0, 0])).toEqual([
			{ signal: "HOLD", fair: null },
			{ signal: "HOLD", fair: null },
		]);
	});
});

describe("signalCode and signalOfCode", () => {
	it("code BUY 1, SELL -1, HOLD 0, and back", () => {
		expect(["BUY", "SELL", "HOLD"].map((s) => signalCode(s as "BUY" | "SELL" | "HOLD"))).toEqual([1, -1, 0]);
		expect([1, -1, 0, 5, -3].map(signalOfCode)).toEqual(["BUY", "SELL", "HOLD", "BUY", "SELL"]);
	});
});
