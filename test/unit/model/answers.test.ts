import { describe, expect, it } from "vitest";
import { answerDays, deviationOf, reasonOfCode, signalOfAnswerCode } from "../../../src/model/answers";
import { IDENTITY } from "../../../src/model/calibration";
import { FEATURES } from "../../../src/model/feature-table";
import type { Forecaster } from "../../../src/model/forecaster";
import type { Gbt } from "../../../src/model/gbt";
import { type RuleSpec, SEED_RULE } from "../../../src/model/rules";

const CONTEXT = { min_price: 1, move: 0.1, horizon_days: 14 };
const noFeatures = (): ArrayLike<number> => {
	throw new Error("a rule reads no features");
};

/** r1 (feature 0) >= 0 scores +ln 3 (q = 0.75), below -ln 3 (q = 0.25); a move is as likely as not. */
const direction: Gbt = {
	base: 0,
	learning_rate: 1,
	trees: [
		{
			feature: [0, -1, -1],
			threshold: [0, null, null],
			left: [1, -1, -1],
			right: [2, -1, -1],
			value: [0, -Math.log(3), Math.log(3)],
			gain: [1, 0, 0],
		},
	],
};
const MODEL: Forecaster = {
	format: 2,
	kind: "learned",
	features: [...FEATURES],
	direction,
	move: { base: 0, learning_rate: 1, trees: [] },
	calibration: IDENTITY,
	policy: { buy_delta: 0.2, sell_delta: 0.2, min_move: 0.3 },
	base_up: 0.5,
	horizon_days: 14,
	move_size: 0.1,
	min_price: 1,
	trained_through: "2026-01-01",
	rows: 0,
	decided: 0,
};

describe("reasonOfCode", () => {
	it("gives each HOLD code's reason with the model's numbers, and none for B and S", () => {
		expect(reasonOfCode("H", CONTEXT)).toBe(
			"no clear direction: the chance of rising first is close to the usual share",
		);
		expect(reasonOfCode("I", CONTEXT)).toBe("too illiquid to judge: a 10% move within 14 days is unlikely");
		expect(reasonOfCode("C", CONTEXT)).toBe("priced under $1: a 10% move is only cents, too little to judge");
		expect(reasonOfCode("N", CONTEXT)).toBe(
			"no model has passed validation on this data yet, or there is too little history: HOLD",
		);
		expect(reasonOfCode("B", CONTEXT)).toBeNull();
		expect(reasonOfCode("S", CONTEXT)).toBeNull();
	});

	it("prints the move to a tenth of a percent", () => {
		expect(reasonOfCode("I", { ...CONTEXT, move: 0.125, horizon_days: 7 })).toBe(
			"too illiquid to judge: a 12.5% move within 7 days is unlikely",
		);
	});
});

describe("signalOfAnswerCode", () => {
	it("maps B to BUY, S to SELL and every HOLD code to HOLD", () => {
		expect(["B", "S", "H", "I", "C", "N"].map(signalOfAnswerCode)).toEqual([
			"BUY",
			"SELL",
			"HOLD",
			"HOLD",
			"HOLD",
			"HOLD",
		]);
	});
});

describe("answerDays for a rule", () => {
	it("answers the seed's rule day by day with its fair value and why a HOLD is a HOLD", () => {
		// Trailing means of 3: 100, 105, 100, 100, 320/3. Deviations 0, 0.048, -0.1 (BUY), 0, +0.219 (SELL).
		const days = answerDays({ kind: "rule", rule: SEED_RULE }, [100, 110, 90, 100, 130], noFeatures, CONTEXT);
		expect(days.map((d) => [d.signal, d.code, d.fair])).toEqual([
			["HOLD", "H", 100],
			["HOLD", "H", 105],
			["BUY", "B", 100],
			["HOLD", "H", 100],
			["SELL", "S", 106.6667],
		]);
		expect(days[0]).toEqual({
			signal: "HOLD",
			code: "H",
			fair: 100,
			p_up: null,
			p_down: null,
			reason: "inside the rule's thresholds",
		});
		expect(days[2]?.reason).toBeNull();
	});

	it("holds a card priced under the minimum (C), whatever the rule says", () => {
		const days = answerDays({ kind: "rule", rule: SEED_RULE }, [0.9, 0.5, 0.5], noFeatures, CONTEXT);
		expect(days.map((d) => d.code)).toEqual(["C", "C", "C"]);
		// The rule alone would BUY day 1 ((0.5 - 0.7) / 0.7 = -29%); the price floor holds it.
		expect(days[1]).toMatchObject({ signal: "HOLD", reason: reasonOfCode("C", CONTEXT) });
	});

	it("answers N where a rule has no fair value yet, with the price as fair", () => {
		const momentum: RuleSpec = { rule: "momentum", window: 2, threshold: 0.1 };
		const days = answerDays({ kind: "rule", rule: momentum }, [10, 12, 15], noFeatures, CONTEXT);
		expect(days.map((d) => [d.signal, d.code, d.fair])).toEqual([
			["HOLD", "N", 10],
			["HOLD", "N", 12],
			// +50% over 2 observations: BUY, 15 * 1.5.
			["BUY", "B", 22.5],
		]);
		expect(days[0]?.reason).toBe(reasonOfCode("N", CONTEXT));
	});

	it("answers always-HOLD with N at the price, cheap cards included", () => {
		const days = answerDays({ kind: "rule", rule: { rule: "hold" } }, [10, 0.5], noFeatures, CONTEXT);
		expect(days).toEqual([
			{ signal: "HOLD", code: "N", fair: 10, p_up: null, p_down: null, reason: reasonOfCode("N", CONTEXT) },
			{ signal: "HOLD", code: "N", fair: 0.5, p_up: null, p_down: null, reason: reasonOfCode("N", CONTEXT) },
		]);
	});
});

describe("answerDays for a learned model", () => {
	it("forecasts each day from its features, rounding the fair price and probabilities to 4 places", () => {
		const features = [0.2, -0.2, 0.2];
		const seen: number[] = [];
		const days = answerDays(
			{ kind: "learned", model: MODEL },
			[100, 100, 0.5],
			(j) => {
				seen.push(j);
				const x = new Float32Array(FEATURES.length);
				x[0] = features[j] as number;
				return x;
			},
			CONTEXT,
		);
		expect(seen).toEqual([0, 1, 2]);
		// q 0.75, p_move 0.5: p_up 0.375, p_down 0.125, fair 100 * (1 + 0.1 * 0.25).
		expect(days[0]).toEqual({ signal: "BUY", code: "B", fair: 102.5, p_up: 0.375, p_down: 0.125, reason: null });
		expect(days[1]).toEqual({ signal: "SELL", code: "S", fair: 97.5, p_up: 0.125, p_down: 0.375, reason: null });
		// Under the model's minimum price: C, with the probabilities still given.
		expect(days[2]).toMatchObject({ signal: "HOLD", code: "C", p_up: 0.375, fair: 0.5125 });
		expect(days[2]?.reason).toContain("priced under $1");
	});
});

describe("deviationOf", () => {
	it("is (market - fair) / fair rounded to 6 places", () => {
		expect(deviationOf(110, 100)).toBeCloseTo(0.1, 12);
		expect(deviationOf(1, 3)).toBe(-0.666667);
		expect(deviationOf(60, 200 / 3)).toBe(-0.1);
	});

	it("is null when the fair price is not a positive finite number", () => {
		expect(deviationOf(1, 0)).toBeNull();
		expect(deviationOf(1, -2)).toBeNull();
		expect(deviationOf(1, Number.POSITIVE_INFINITY)).toBeNull();
		expect(deviationOf(1, Number.NaN)).toBeNull();
	});
});
