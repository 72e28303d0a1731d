import { describe, expect, it } from "vitest";
import { addTally, emptyTally, metricsOf, type ScoredDay, tallyDay } from "../../../src/model/scoring";

/*
 *   day signal outcome q_up  fair later   counts
 *   1   BUY    up      0.8   110  100     BUY right; Brier (0.8-1)^2 = 0.04; APE 0.1
 *   2   BUY    down    0.6                BUY wrong; Brier 0.36
 *   3   BUY    none    0.7                BUY undecided; no Brier (undecided)
 *   4   SELL   down    0.3   90   100     SELL right; Brier 0.09; APE 0.1
 *   5   SELL   up                         SELL wrong
 *   6   HOLD   up      0.5                Brier 0.25
 *   7   HOLD   down
 *   8   HOLD   none          100  80      APE 0.25
 *   9   SELL   down                       SELL right
 *
 * 9 days, 7 decided, 3 up: base rates up 3/7, down 4/7.
 * BUY: 3 signals, 2 decided, 1 right: precision 1/2, edge 1/2 - 3/7 = 1/14.
 * SELL: 3 signals, 3 decided, 2 right: precision 2/3, edge 2/3 - 4/7 = 2/21.
 * Pooled: (1 + 2 - 2 * 3/7 - 3 * 4/7) / 5 = (3/7) / 5 = 3/35. Signal rate 6/9.
 * Brier 0.74 / 4 = 0.185 against the base rate's 3/7 * 4/7 = 12/49: skill 1 - 0.185 * 49/12.
 * MAPE (0.1 + 0.1 + 0.25) / 3 = 0.15.
 */
const DAYS: ScoredDay[] = [
	{ signal: "BUY", outcome: "up", q_up: 0.8, fair: 110, later: 100 },
	{ signal: "BUY", outcome: "down", q_up: 0.6 },
	{ signal: "BUY", outcome: "none", q_up: 0.7 },
	{ signal: "SELL", outcome: "down", q_up: 0.3, fair: 90, later: 100 },
	{ signal: "SELL", outcome: "up", q_up: null },
	{ signal: "HOLD", outcome: "up", q_up: 0.5 },
	{ signal: "HOLD", outcome: "down" },
	{ signal: "HOLD", outcome: "none", fair: 100, later: 80 },
	{ signal: "SELL", outcome: "down" },
];

const tallyOf = (days: ScoredDay[]) => {
	const t = emptyTally();
	for (const d of days) tallyDay(t, d);
	return t;
};

describe("tallyDay", () => {
	it("counts days, decided days, ups, each side's signals, decided and right, Brier and APE", () => {
		const t = tallyOf(DAYS);
		expect(t).toMatchObject({
			days: 9,
			decided: 7,
			up: 3,
			buy: { signals: 3, decided: 2, right: 1 },
			sell: { signals: 3, decided: 3, right: 2 },
			brier_n: 4,
			ape_n: 3,
		});
		expect(t.brier_sum).toBeCloseTo(0.74, 12);
		expect(t.ape_sum).toBeCloseTo(0.45, 12);
	});

	it("skips the APE without a fair price or a positive later price", () => {
		const t = tallyOf([
			{ signal: "HOLD", outcome: "none", fair: null, later: 10 },
			{ signal: "HOLD", outcome: "none", fair: 10, later: 0 },
			{ signal: "HOLD", outcome: "none", fair: 10, later: null },
		]);
		expect(t.ape_n).toBe(0);
	});
});

describe("metricsOf", () => {
	it("gives each side's precision against its base rate, the pooled edge, the signal rate, Brier skill and MAPE", () => {
		const m = metricsOf(tallyOf(DAYS));
		expect(m.days).toBe(9);
		expect(m.decided).toBe(7);
		expect(m.buy).toMatchObject({ signals: 3, decided: 2, right: 1, precision: 0.5 });
		expect(m.buy.base_rate).toBeCloseTo(3 / 7, 12);
		expect(m.buy.edge).toBeCloseTo(1 / 14, 12);
		expect(m.sell).toMatchObject({ signals: 3, decided: 3, right: 2 });
		expect(m.sell.precision).toBeCloseTo(2 / 3, 12);
		expect(m.sell.base_rate).toBeCloseTo(4 / 7, 12);
		expect(m.sell.edge).toBeCloseTo(2 / 21, 12);
		expect(m.pooled_edge).toBeCloseTo(3 / 35, 12);
		expect(m.signal_rate).toBeCloseTo(2 / 3, 12);
		expect(m.brier).toBeCloseTo(0.185, 12);
		expect(m.brier_skill).toBeCloseTo(1 - (0.185 * 49) / 12, 12);
		expect(m.mape).toBeCloseTo(0.15, 12);
	});

	it("is null where there is nothing to divide by", () => {
		const m = metricsOf(emptyTally());
		expect(m).toEqual({
			days: 0,
			decided: 0,
			buy: { signals: 0, decided: 0, right: 0, precision: null, base_rate: null, edge: null },
			sell: { signals: 0, decided: 0, right: 0, precision: null, base_rate: null, edge: null },
			pooled_edge: null,
			signal_rate: null,
			brier: null,
			brier_skill: null,
			mape: null,
		});
	});

	it("has no pooled edge without decided signals, and no Brier skill when every decided day went one way", () => {
		const holds = metricsOf(tallyOf([{ signal: "HOLD", outcome: "up", q_up: 0.9 }]));
		expect(holds.pooled_edge).toBeNull();
		expect(holds.signal_rate).toBe(0);
		expect(holds.brier).toBeCloseTo(0.01, 12);
		expect(holds.brier_skill).toBeNull();
		// Only undecided signals: the side has signals but no precision.
		const undecided = metricsOf(tallyOf([{ signal: "BUY", outcome: "none" }]));
		expect(undecided.buy).toMatchObject({ signals: 1, decided: 0, precision: null, base_rate: null, edge: null });
		expect(undecided.pooled_edge).toBeNull();
	});

	it("scores a rule that is always right on both sides with a pooled edge of the opposite base rates", () => {
		// 2 up (BUY right), 2 down (SELL right): base 1/2 each side, precision 1, pooled 1/2.
		const m = metricsOf(
			tallyOf([
				{ signal: "BUY", outcome: "up" },
				{ signal: "BUY", outcome: "up" },
				{ signal: "SELL", outcome: "down" },
				{ signal: "SELL", outcome: "down" },
			]),
		);
		expect([m.buy.edge, m.sell.edge, m.pooled_edge]).toEqual([0.5, 0.5, 0.5]);
	});
});

describe("addTally", () => {
	it("adds tallies: the sum of the parts is the tally of the whole", () => {
		const sum = addTally(tallyOf(DAYS.slice(0, 4)), tallyOf(DAYS.slice(4)));
		const whole = tallyOf(DAYS);
		// The counts are equal; the float sums equal up to the order of addition.
		expect({ ...sum, brier_sum: 0, ape_sum: 0 }).toEqual({ ...whole, brier_sum: 0, ape_sum: 0 });
		expect(sum.brier_sum).toBeCloseTo(whole.brier_sum, 12);
		expect(sum.ape_sum).toBeCloseTo(whole.ape_sum, 12);
	});

	it("adds into its first argument and returns it", () => {
		const a = tallyOf(DAYS.slice(0, 1));
		expect(addTally(a, tallyOf(DAYS.slice(1, 2)))).toBe(a);
		expect(a.buy).toEqual({ signals: 2, decided: 2, right: 1 });
	});
});
