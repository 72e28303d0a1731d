import { describe, expect, it } from "vitest";
import type { CandidateFigures, EvaluationResult } from "../../../src/model/evaluation";
import { bestBaseline, type GateLimits, gate, pointsWrongWay } from "../../../src/model/gate";
import { type DirectionMetrics, emptyTally, metricsOf } from "../../../src/model/scoring";

/**
 * Figures over `days` scored days of which 100 were decided, half up (base rate 1/2 each way),
 * with BUY and SELL `[decided signals, right]`.
 */
function figures(buy: [number, number], sell: [number, number], days = 100): DirectionMetrics {
	const t = emptyTally();
	t.days = days;
	t.decided = 100;
	t.up = 50;
	t.buy = { signals: buy[0], decided: buy[0], right: buy[1] };
	t.sell = { signals: sell[0], decided: sell[0], right: sell[1] };
	return metricsOf(t);
}

// Edges per side and pooled (base 1/2): GOOD 0.3, OK 0.1, BAD BUY -0.2 (pooled 0.05), FEW 0.5 on 2 decided.
const GOOD = figures([10, 8], [10, 8]);
const OK = figures([10, 6], [10, 6]);
const BAD = figures([10, 3], [10, 8]);
const FEW = figures([2, 2], [2, 2]);
// GOOD's sides, but 20 signals over 400 days: a signal rate of 0.05.
const RARE = figures([10, 8], [10, 8], 400);

const LIMITS: GateLimits = { signalRateFloor: 0.1, minDecided: 5, force: false };

const rule = (
	id: string,
	selection: DirectionMetrics,
	validation: DirectionMetrics,
	versus?: DirectionMetrics,
): CandidateFigures => ({
	id,
	kind: "rule",
	selection,
	validation,
	...(versus ? { versus_champion: versus } : {}),
});
const learned = (validation: DirectionMetrics, versus?: DirectionMetrics): CandidateFigures => ({
	id: "learned",
	kind: "learned",
	selection: GOOD,
	validation,
	...(versus ? { versus_champion: versus } : {}),
});

const evaluation = (
	candidates: CandidateFigures[],
	champion: EvaluationResult["champion"] = null,
): EvaluationResult => ({
	windows: {
		selection: { from: "2026-01-01", to: "2026-02-09" },
		validation: { from: "2026-02-10", to: "2026-03-11" },
		folds: [],
		train_through: "2026-03-11",
	},
	learned: null,
	candidates,
	champion,
});

const champion = (
	validation: DirectionMetrics,
	o: { kind?: "learned" | "rule"; same_procedure?: boolean; comparable?: boolean } = {},
): NonNullable<EvaluationResult["champion"]> => ({
	version: "v1",
	kind: o.kind ?? "rule",
	same_procedure: o.same_procedure ?? false,
	validation,
	days_from: "2026-02-10",
	comparable: o.comparable ?? true,
});

const check = (v: ReturnType<typeof gate>, name: string) => v.checks.find((c) => c.name === name);
const HOLD = rule("hold", GOOD, GOOD);

describe("bestBaseline", () => {
	it("is the rule with the highest selection pooled edge among those meeting the limits there", () => {
		// r_b has the better validation, r_a the better selection: selection decides.
		const rules = [rule("r_b", OK, GOOD), rule("r_a", GOOD, OK), rule("r_bad", BAD, GOOD)];
		expect(bestBaseline(rules, LIMITS)?.id).toBe("r_a");
	});

	it("never picks always-HOLD, and is null when no rule meets the limits", () => {
		expect(bestBaseline([HOLD, rule("r_ok", OK, OK)], LIMITS)?.id).toBe("r_ok");
		expect(bestBaseline([HOLD, rule("r_few", FEW, GOOD), rule("r_rare", RARE, GOOD)], LIMITS)).toBeNull();
		expect(bestBaseline([], LIMITS)).toBeNull();
	});
});

describe("pointsWrongWay", () => {
	it("is true when a side with at least minDecided decided signals has a negative edge", () => {
		expect(pointsWrongWay(BAD, 5)).toBe(true);
		expect(pointsWrongWay(BAD, 10)).toBe(true);
		// Too few decided signals to say so.
		expect(pointsWrongWay(BAD, 11)).toBe(false);
		expect(pointsWrongWay(GOOD, 5)).toBe(false);
		expect(pointsWrongWay(figures([0, 0], [0, 0]), 0)).toBe(false);
	});
});

describe("gate", () => {
	it("promotes the learned model when it meets the limits on validation and beats the best baseline", () => {
		const v = gate(evaluation([learned(GOOD), rule("r_a", GOOD, OK), rule("r_b", OK, GOOD), HOLD]), LIMITS);
		expect(v).toMatchObject({ challenger: "learned", passed: true, best_baseline: "r_a", retire_champion: false });
		expect(v.checks.map((c) => [c.name, c.passed])).toEqual([
			["buy_edge", true],
			["sell_edge", true],
			["signal_rate", true],
			["vs_baseline", true],
		]);
		expect(check(v, "vs_baseline")?.detail).toBe("pooled edge 0.300 against the best baseline's 0.100 (r_a)");
	});

	it("takes the best baseline when the learned model does not beat it (a tie included)", () => {
		for (const v of [
			gate(evaluation([learned(OK), rule("r_a", GOOD, GOOD)]), LIMITS),
			gate(evaluation([learned(GOOD), rule("r_a", GOOD, GOOD)]), LIMITS),
		]) {
			expect(v).toMatchObject({ challenger: "r_a", passed: true, best_baseline: "r_a" });
			// A rule has no vs_baseline check.
			expect(v.checks.map((c) => c.name)).toEqual(["buy_edge", "sell_edge", "signal_rate"]);
		}
	});

	it("takes the baseline when the learned model fails the limits on validation", () => {
		const v = gate(evaluation([learned(BAD), rule("r_a", GOOD, OK)]), LIMITS);
		expect(v).toMatchObject({ challenger: "r_a", passed: true });
	});

	it("falls back to a failing learned model when the baseline fails validation too, and fails it", () => {
		const v = gate(evaluation([learned(RARE), rule("r_a", GOOD, BAD)]), LIMITS);
		expect(v.challenger).toBe("learned");
		expect(v.passed).toBe(false);
		expect(check(v, "signal_rate")).toMatchObject({
			passed: false,
			detail: "signal rate 0.050 against the floor 0.100",
		});
		// Against always-HOLD (the baseline failed): pooled edge above 0.
		expect(check(v, "vs_baseline")).toMatchObject({ passed: true });
		expect(check(v, "vs_baseline")?.detail).toContain("(always HOLD)");
	});

	it("fails a side with too few decided signals or a negative edge", () => {
		const few = gate(evaluation([learned(FEW)]), LIMITS);
		expect(check(few, "buy_edge")).toMatchObject({
			passed: false,
			detail: "BUY edge 0.500 over 2 decided signals (needs at least 0 over 5)",
		});
		const bad = gate(evaluation([learned(BAD)]), LIMITS);
		expect(check(bad, "buy_edge")?.passed).toBe(false);
		expect(check(bad, "sell_edge")?.passed).toBe(true);
		expect(bad.passed).toBe(false);
	});

	it("has no challenger when there is no learned model and no baseline meets the limits on selection", () => {
		const v = gate(evaluation([rule("r_few", FEW, GOOD), HOLD]), LIMITS);
		expect(v).toEqual({
			challenger: null,
			passed: false,
			best_baseline: null,
			retire_champion: false,
			checks: [
				{
					name: "candidate",
					passed: false,
					detail: "neither the learned model nor any baseline met the limits on the selection window",
				},
			],
		});
	});

	describe("against the champion", () => {
		it("passes a challenger that beats the champion's pooled edge on the days it was not fitted on", () => {
			const v = gate(evaluation([learned(GOOD, GOOD)], champion(OK)), LIMITS);
			expect(check(v, "vs_champion")).toMatchObject({ passed: true });
			expect(v.passed).toBe(true);
		});

		it("compares on the champion's days (versus_champion), not the whole validation window", () => {
			// GOOD on validation, but only OK on the champion's days, against a GOOD champion.
			const v = gate(evaluation([rule("r_a", GOOD, GOOD, OK)], champion(GOOD)), LIMITS);
			expect(check(v, "vs_champion")).toMatchObject({
				passed: false,
				detail: "pooled edge 0.100 against the champion v1's 0.300 on the same days (from 2026-02-10)",
			});
			expect(v.passed).toBe(false);
		});

		it("lets force waive the comparison with the champion, and nothing else", () => {
			const forced = gate(evaluation([rule("r_a", GOOD, GOOD, OK)], champion(GOOD)), { ...LIMITS, force: true });
			expect(check(forced, "vs_champion")?.passed).toBe(true);
			expect(check(forced, "vs_champion")?.detail).toContain("(worse, but forced)");
			expect(forced.passed).toBe(true);
			const failing = gate(evaluation([learned(FEW, FEW)], champion(OK)), { ...LIMITS, force: true });
			expect(failing.passed).toBe(false);
			expect(check(failing, "buy_edge")?.passed).toBe(false);
		});

		it("passes the comparison when there are too few decided signals to compare", () => {
			const notComparable = gate(
				evaluation([rule("r_a", GOOD, GOOD, OK)], champion(GOOD, { comparable: false })),
				LIMITS,
			);
			expect(check(notComparable, "vs_champion")?.passed).toBe(true);
			const fewOnTheDays = gate(evaluation([rule("r_a", GOOD, GOOD, FEW)], champion(GOOD)), LIMITS);
			expect(check(fewOnTheDays, "vs_champion")?.passed).toBe(true);
			expect(check(fewOnTheDays, "vs_champion")?.detail).toContain("too few decided signals");
		});

		it("replaces a learned champion of the same procedure with the newer learned fit", () => {
			const same = gate(
				evaluation([learned(GOOD, OK)], champion(GOOD, { kind: "learned", same_procedure: true })),
				LIMITS,
			);
			expect(check(same, "vs_champion")?.passed).toBe(true);
			expect(check(same, "vs_champion")?.detail).toContain("same learner fitted on fewer days");
			expect(same.passed).toBe(true);
			// Another procedure, or a rule challenger, is held to the comparison.
			const other = gate(evaluation([learned(GOOD, OK)], champion(GOOD, { kind: "learned" })), LIMITS);
			expect(check(other, "vs_champion")?.passed).toBe(false);
			const byRule = gate(
				evaluation([rule("r_a", GOOD, GOOD, OK)], champion(GOOD, { kind: "learned", same_procedure: true })),
				LIMITS,
			);
			expect(check(byRule, "vs_champion")?.passed).toBe(false);
		});

		it("retires a champion whose validation points the wrong way, and lets the challenger replace it", () => {
			// A weak challenger (BUY edge 0.1, SELL edge 0, pooled 0.05) that does not beat the champion's
			// pooled 0.05: it still replaces the champion, whose BUY side points the wrong way.
			const weak = figures([10, 6], [10, 5]);
			const v = gate(evaluation([rule("r_a", GOOD, weak, weak)], champion(BAD)), LIMITS);
			expect(v.retire_champion).toBe(true);
			expect(check(v, "vs_champion")).toMatchObject({ passed: true });
			expect(check(v, "vs_champion")?.detail).toContain("points the wrong way");
			expect(v.passed).toBe(true);
		});

		it("retires the champion even when no challenger passes", () => {
			const v = gate(evaluation([learned(FEW)], champion(BAD)), LIMITS);
			expect(v).toMatchObject({ passed: false, retire_champion: true });
			const none = gate(evaluation([HOLD], champion(BAD)), LIMITS);
			expect(none).toMatchObject({ challenger: null, retire_champion: true });
		});

		it("does not retire a champion that points the right way, or wrong on too few decided signals", () => {
			expect(gate(evaluation([learned(GOOD)], champion(OK)), LIMITS).retire_champion).toBe(false);
			expect(gate(evaluation([learned(GOOD)], champion(BAD)), { ...LIMITS, minDecided: 11 }).retire_champion).toBe(
				false,
			);
		});
	});
});
