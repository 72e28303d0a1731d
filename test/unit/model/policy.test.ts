import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../src/model/first-passage";
import {
	choosePolicy,
	DELTAS,
	MOVE_FLOORS,
	meetsLimits,
	type PolicyLimits,
	type PolicyRows,
	scorePolicy,
} from "../../../src/model/policy";
import { emptyTally, metricsOf, tallyDay } from "../../../src/model/scoring";

const LIMITS: PolicyLimits = { signalRateFloor: 0.1, minDecided: 1, minPrice: 1, moveSize: 0.1, horizonDays: 14 };

/** Rows from [q, base, move, price, outcome] tuples. */
const rowsOf = (rows: [number, number, number, number, Outcome][]): PolicyRows => ({
	q: rows.map((r) => r[0]),
	base: rows.map((r) => r[1]),
	move: rows.map((r) => r[2]),
	price: rows.map((r) => r[3]),
	outcome: rows.map((r) => r[4]),
});

/** `n` copies of a row. */
const times = (n: number, row: [number, number, number, number, Outcome]) => Array.from({ length: n }, () => row);

describe("scorePolicy", () => {
	it("answers every row priced at least minPrice under the policy and scores the answers", () => {
		/*
		 *   q    base move price outcome  answer (deltas 0.1, min_move 0.2)
		 *   0.8  0.5  0.5  10    up       BUY, right
		 *   0.7  0.5  0.5  10    down     BUY, wrong
		 *   0.2  0.5  0.5  10    down     SELL, right
		 *   0.9  0.5  0.1  10    up       HOLD (illiquid)
		 *   0.9  0.5  0.5  0.5   up       not scored (under minPrice)
		 *   0.5  0.5  0.5  10    up       HOLD
		 * 5 days, all decided, 3 up: base 0.6. BUY 1/2 right (edge -0.1), SELL 1/1 (edge 0.6).
		 * Pooled (1 + 1 - 2 * 0.6 - 1 * 0.4) / 3 = 0.4 / 3; signal rate 3/5.
		 */
		const m = scorePolicy(
			rowsOf([
				[0.8, 0.5, 0.5, 10, "up"],
				[0.7, 0.5, 0.5, 10, "down"],
				[0.2, 0.5, 0.5, 10, "down"],
				[0.9, 0.5, 0.1, 10, "up"],
				[0.9, 0.5, 0.5, 0.5, "up"],
				[0.5, 0.5, 0.5, 10, "up"],
			]),
			{ buy_delta: 0.1, sell_delta: 0.1, min_move: 0.2 },
			LIMITS,
		);
		expect(m.days).toBe(5);
		expect(m.decided).toBe(5);
		expect(m.buy).toMatchObject({ signals: 2, decided: 2, right: 1, precision: 0.5 });
		expect(m.buy.edge).toBeCloseTo(-0.1, 12);
		expect(m.sell).toMatchObject({ signals: 1, decided: 1, right: 1, precision: 1 });
		expect(m.sell.edge).toBeCloseTo(0.6, 12);
		expect(m.pooled_edge).toBeCloseTo(0.4 / 3, 12);
		expect(m.signal_rate).toBeCloseTo(0.6, 12);
		// Brier over q_up: 0.04 + 0.49 + 0.04 + 0.01 + 0.25 over 5 days.
		expect(m.brier).toBeCloseTo(0.83 / 5, 12);
		expect(m.mape).toBeNull();
	});

	it("judges each row against the base rate of the model that predicted it", () => {
		// q 0.7 is a BUY against base 0.5 (delta 0.2) but a HOLD against base 0.6.
		const rows = rowsOf([
			[0.7, 0.5, 1, 10, "up"],
			[0.7, 0.6, 1, 10, "up"],
		]);
		expect(scorePolicy(rows, { buy_delta: 0.2, sell_delta: 0.2, min_move: 0 }, LIMITS).buy.signals).toBe(1);
	});
});

describe("meetsLimits", () => {
	const metrics = (days: [string, Outcome][]) => {
		const t = emptyTally();
		for (const [signal, outcome] of days) tallyDay(t, { signal: signal as "BUY" | "SELL" | "HOLD", outcome });
		return metricsOf(t);
	};
	const right: [string, Outcome][] = [
		["BUY", "up"],
		["SELL", "down"],
		["HOLD", "up"],
		["HOLD", "down"],
	];

	it("passes both sides decided often enough with an edge of at least 0 and a signal rate at the floor", () => {
		expect(meetsLimits(metrics(right), { signalRateFloor: 0.5, minDecided: 1 })).toBe(true);
	});

	it("fails a signal rate under the floor, too few decided signals, or a side with a negative edge", () => {
		expect(meetsLimits(metrics(right), { signalRateFloor: 0.51, minDecided: 1 })).toBe(false);
		expect(meetsLimits(metrics(right), { signalRateFloor: 0.5, minDecided: 2 })).toBe(false);
		const wrongSell = metrics([...right, ["SELL", "up"], ["SELL", "up"]]);
		expect(wrongSell.sell.edge as number).toBeLessThan(0);
		expect(meetsLimits(wrongSell, { signalRateFloor: 0, minDecided: 1 })).toBe(false);
		// A side with no signals at all has no edge.
		expect(
			meetsLimits(
				metrics([
					["BUY", "up"],
					["HOLD", "down"],
				]),
				{ signalRateFloor: 0, minDecided: 0 },
			),
		).toBe(false);
	});

	it("accepts an edge of exactly 0", () => {
		// Base 1/2 both ways; BUY right 1 of 2, SELL right 1 of 2.
		const even = metrics([
			["BUY", "up"],
			["BUY", "down"],
			["SELL", "down"],
			["SELL", "up"],
		]);
		expect([even.buy.edge, even.sell.edge]).toEqual([0, 0]);
		expect(meetsLimits(even, { signalRateFloor: 0, minDecided: 2 })).toBe(true);
	});
});

describe("choosePolicy", () => {
	/*
	 * Base rate 0.5, every row certain to move. 16 rows, 8 up and 8 down:
	 *   q 0.9 x4 up, q 0.1 x4 down   right at every delta
	 *   q 0.58: up, down             BUY only at delta 0.05 (half right)
	 *   q 0.42: down, up             SELL only at delta 0.05 (half right)
	 *   q 0.5 x2 up, x2 down         always HOLD
	 * Delta 0.05: 6 + 6 decided signals, 10 right: pooled (10 - 6) / 12 = 1/3, signal rate 12/16.
	 * Deltas 0.1 to 0.3: 4 + 4, all right: pooled (8 - 4) / 8 = 1/2, signal rate 8/16.
	 */
	const BASE: [number, number, number, number, Outcome][] = [
		...times(4, [0.9, 0.5, 1, 10, "up"]),
		...times(4, [0.1, 0.5, 1, 10, "down"]),
		[0.58, 0.5, 1, 10, "up"],
		[0.58, 0.5, 1, 10, "down"],
		[0.42, 0.5, 1, 10, "down"],
		[0.42, 0.5, 1, 10, "up"],
		...times(2, [0.5, 0.5, 1, 10, "up"]),
		...times(2, [0.5, 0.5, 1, 10, "down"]),
	];

	it("searches symmetric deltas and move floors", () => {
		expect(DELTAS).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
		expect(MOVE_FLOORS).toEqual([0, 0.05, 0.1, 0.2]);
	});

	it("picks the highest pooled edge, the first of the grid on a tie", () => {
		const chosen = choosePolicy(rowsOf(BASE), LIMITS);
		expect(chosen?.policy).toEqual({ buy_delta: 0.1, sell_delta: 0.1, min_move: 0 });
		expect(chosen?.metrics.pooled_edge).toBeCloseTo(0.5, 12);
		expect(chosen?.metrics.signal_rate).toBeCloseTo(0.5, 12);
	});

	it("picks among the policies meeting the limits only", () => {
		// Five decided signals per side, or a signal rate of 0.6: only delta 0.05 gives either.
		for (const limits of [
			{ ...LIMITS, minDecided: 5 },
			{ ...LIMITS, signalRateFloor: 0.6 },
		]) {
			const chosen = choosePolicy(rowsOf(BASE), limits);
			expect(chosen?.policy).toEqual({ buy_delta: 0.05, sell_delta: 0.05, min_move: 0 });
			expect(chosen?.metrics.pooled_edge).toBeCloseTo(1 / 3, 12);
		}
	});

	it("raises the move floor when the unlikely movers point the wrong way", () => {
		// Two confident BUYs with a 3% chance of a move that went down: floor 0.05 drops them.
		// Floor 0: 6 BUYs (4 right), 4 SELLs, base 8/18 up: pooled (8 - 6 * 8/18 - 4 * 10/18) / 10 = 0.311.
		// Floor 0.05: 4 and 4, all right: pooled (8 - 4 * 8/18 - 4 * 10/18) / 8 = 1/2.
		const chosen = choosePolicy(rowsOf([...BASE, ...times(2, [0.9, 0.5, 0.03, 10, "down"])]), LIMITS);
		expect(chosen?.policy).toEqual({ buy_delta: 0.1, sell_delta: 0.1, min_move: 0.05 });
		expect(chosen?.metrics.pooled_edge).toBeCloseTo(0.5, 12);
	});

	it("is null when no policy meets the limits", () => {
		expect(choosePolicy(rowsOf(BASE), { ...LIMITS, signalRateFloor: 0.9 })).toBeNull();
		expect(choosePolicy(rowsOf([]), LIMITS)).toBeNull();
	});
});
