import { describe, expect, it } from "vitest";
import {
	CROSS_FEATURES,
	crossFeatures,
	type DayRow,
	emptyMarketTally,
	type MarketTally,
	marketTable,
	mergeMarketTally,
	readMarketTable,
	type TableRow,
	tallyDay,
} from "../../../src/model/market";

const D1 = "2026-01-01";
const D2 = "2026-01-02";
const D3 = "2026-01-03";
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

/** The `width` numbers of `date` in a row, or null when the row does not cover it. */
const on = (row: DayRow | TableRow | null | undefined, date: string, width: number) => {
	if (!row) return null;
	const at = ((Date.parse(date) - Date.parse(row.from)) / 86_400_000) * width;
	return at >= 0 && at < row.cells.length ? Array.from(row.cells.slice(at, at + width)) : null;
};

describe("tallyDay", () => {
	it("sums r1 and r7 with their counts per date, for the market and the card's set, skipping NaN", () => {
		expect(tallyOf(DAYS)).toEqual({
			market: { from: D1, cells: [0.1 + 0.3 - 0.2, 3, 0.2 + 0.4, 2, 0.05, 1, 0, 0] },
			sets: {
				s1: { from: D1, cells: [0.1 + 0.3, 2, 0.2, 1] },
				s2: { from: D1, cells: [-0.2, 1, 0.4, 1, 0.05, 1, 0, 0] },
			},
		});
	});

	it("holds one flat row per series over consecutive dates, zeros on dates no card had", () => {
		const t = tallyOf([
			["s1", D3, 0.1, 0.2],
			["s1", D1, 0.3, N],
		]);
		// An earlier date extends the row at its start; the day between is all zeros.
		expect(t.sets.s1).toEqual({ from: D1, cells: [0.3, 1, 0, 0, 0, 0, 0, 0, 0.1, 1, 0.2, 1] });
		expect(t.market).toEqual(t.sets.s1);
	});
});

describe("mergeMarketTally", () => {
	it("adds shards' tallies into what one tally of every day gives", () => {
		const merged = mergeMarketTally(tallyOf(DAYS.slice(0, 1)), tallyOf(DAYS.slice(1)));
		const whole = tallyOf(DAYS);
		expect(merged.sets).toEqual(whole.sets);
		expect(merged.market?.from).toBe(D1);
		expect(merged.market?.cells).toHaveLength(whole.market?.cells.length ?? -1);
		whole.market?.cells.forEach((v, i) => {
			expect(merged.market?.cells[i]).toBeCloseTo(v, 12);
		});
	});

	it("merges rows that cover different dates, either side", () => {
		const late = tallyOf([["s1", D3, 0.1, N]]);
		const early = tallyOf([["s1", D1, 0.2, N]]);
		const merged = mergeMarketTally(late, early);
		expect(merged.sets.s1).toEqual({ from: D1, cells: [0.2, 1, 0, 0, 0, 0, 0, 0, 0.1, 1, 0, 0] });
		expect(mergeMarketTally(tallyOf([["s1", D1, 0.2, N]]), tallyOf([["s1", D3, 0.1, N]])).sets.s1).toEqual(
			merged.sets.s1,
		);
	});

	it("copies the cells it adds, so later merges leave the source unchanged", () => {
		const from = tallyOf(DAYS.slice(3));
		const into: MarketTally = mergeMarketTally(emptyMarketTally(), from);
		mergeMarketTally(into, from);
		expect(on(into.market, D2, 4)).toEqual([0.1, 2, 0, 0]);
		expect(on(from.market, D2, 4)).toEqual([0.05, 1, 0, 0]);
		expect(on(from.sets.s2, D2, 4)).toEqual([0.05, 1, 0, 0]);
	});
});

describe("marketTable", () => {
	it("takes means per date, NaN where no card had the return", () => {
		const table = marketTable(tallyOf(DAYS));
		expect(on(table.market, D1, 2)?.[0]).toBeCloseTo(0.2 / 3, 12);
		expect(on(table.market, D1, 2)?.[1]).toBeCloseTo(0.3, 12);
		expect(on(table.market, D2, 2)).toEqual([0.05, N]);
		expect(on(table.sets.s1, D1, 2)?.[0]).toBeCloseTo(0.2, 12);
		expect(on(table.sets.s1, D1, 2)?.[1]).toBeCloseTo(0.2, 12);
		expect(on(table.sets.s2, D2, 2)).toEqual([0.05, N]);
	});

	it("is stored as its bytes and read back from them, NaN included", () => {
		const table = marketTable(tallyOf(DAYS));
		const back = readMarketTable(table.bytes.slice().buffer);
		expect(back.market?.from).toBe(D1);
		expect(Array.from(back.market?.cells ?? [])).toEqual(Array.from(table.market?.cells ?? []));
		expect(Object.keys(back.sets)).toEqual(["s1", "s2"]);
		expect(Array.from(back.sets.s2?.cells ?? [])).toEqual([-0.2, 0.4, 0.05, N]);
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
