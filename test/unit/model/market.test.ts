import { describe, expect, it } from "vitest";
import {
	CROSS_FEATURES,
	crossFeatures,
	emptyMarketTally,
	type MarketTally,
	marketTable,
	mergeMarketTally,
	tallyDay,
} from "../../../src/model/market";

const D1 = "2026-01-01";
const D2 = "2026-01-02";
const N = Number.NaN;

/** Card-days: set, date, r1, r7. */
const DAYS: [string, string, number, number][] = [
	["s1", D1, 0.1, N],
	["s1", D1, 0.3, 0.2],
	["s2", D1, -0.2, 0.4],
	["s2", D2, 0.05, N],
];

const tallyOf = (days: typeof DAYS) => {
	const t = emptyMarketTally();
	for (const [set, date, r1, r7] of days) tallyDay(t, set, date, r1, r7);
	return t;
};

describe("tallyDay", () => {
	it("sums r1 and r7 with their counts per date, for the market and the card's set, skipping NaN", () => {
		expect(tallyOf(DAYS)).toEqual({
			market: { [D1]: [0.1 + 0.3 - 0.2, 3, 0.2 + 0.4, 2], [D2]: [0.05, 1, 0, 0] },
			sets: {
				s1: { [D1]: [0.1 + 0.3, 2, 0.2, 1] },
				s2: { [D1]: [-0.2, 1, 0.4, 1], [D2]: [0.05, 1, 0, 0] },
			},
		});
	});
});

describe("mergeMarketTally", () => {
	it("adds shards' tallies into what one tally of every day gives", () => {
		const merged = mergeMarketTally(tallyOf(DAYS.slice(0, 1)), tallyOf(DAYS.slice(1)));
		const whole = tallyOf(DAYS);
		expect(merged.sets).toEqual(whole.sets);
		expect(Object.keys(merged.market).sort()).toEqual([D1, D2]);
		for (const [date, cell] of Object.entries(whole.market))
			cell.forEach((v, i) => {
				expect(merged.market[date]?.[i]).toBeCloseTo(v, 12);
			});
	});

	it("copies the cells it adds, so later merges leave the source unchanged", () => {
		const from = tallyOf(DAYS.slice(3));
		const into: MarketTally = mergeMarketTally(emptyMarketTally(), from);
		mergeMarketTally(into, from);
		expect(into.market[D2]).toEqual([0.1, 2, 0, 0]);
		expect(from.market[D2]).toEqual([0.05, 1, 0, 0]);
		expect(from.sets.s2?.[D2]).toEqual([0.05, 1, 0, 0]);
	});
});

describe("marketTable", () => {
	it("takes means per date, null where no card had the return", () => {
		const table = marketTable(tallyOf(DAYS));
		expect(table.market[D1]?.[0]).toBeCloseTo(0.2 / 3, 12);
		expect(table.market[D1]?.[1]).toBeCloseTo(0.3, 12);
		expect(table.market[D2]).toEqual([0.05, null]);
		expect(table.sets.s1?.[D1]?.[0]).toBeCloseTo(0.2, 12);
		expect(table.sets.s1?.[D1]?.[1]).toBeCloseTo(0.2, 12);
		expect(table.sets.s2?.[D2]).toEqual([0.05, null]);
	});
});

describe("crossFeatures", () => {
	const table = marketTable(tallyOf(DAYS));

	it("gives the market's and the set's means, and the card's return less its set's, in CROSS_FEATURES order", () => {
		expect(CROSS_FEATURES).toEqual(["mkt_r1", "mkt_r7", "set_r1", "set_r7", "rel_r1", "rel_r7"]);
		const [mktR1, mktR7, setR1, setR7, relR1, relR7] = crossFeatures(table, "s1", D1, 0.3, 0.2);
		expect(mktR1).toBeCloseTo(0.2 / 3, 12);
		expect(mktR7).toBeCloseTo(0.3, 12);
		expect(setR1).toBeCloseTo(0.2, 12);
		expect(setR7).toBeCloseTo(0.2, 12);
		expect(relR1).toBeCloseTo(0.1, 12);
		expect(relR7).toBeCloseTo(0, 12);
	});

	it("is NaN where a mean is missing: no r7 that day, a set or a date it has not seen", () => {
		const [mktR1, mktR7, setR1, setR7, relR1, relR7] = crossFeatures(table, "s2", D2, 0.05, N);
		expect([mktR1, setR1, relR1]).toEqual([0.05, 0.05, 0]);
		expect([mktR7, setR7, relR7]).toEqual([N, N, N]);
		const unseen = crossFeatures(table, "nope", D1, 0.1, 0.1);
		expect(unseen[0]).toBeCloseTo(0.2 / 3, 12);
		expect(unseen.slice(2)).toEqual([N, N, N, N]);
		expect(crossFeatures(table, "s1", "2030-01-01", 0.1, 0.1)).toEqual([N, N, N, N, N, N]);
	});
});
