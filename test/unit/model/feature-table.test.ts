import { describe, expect, it } from "vitest";
import { CARD_FEATURES } from "../../../src/model/card-features";
import type { CardSeries } from "../../../src/model/card-series";
import {
	allocateTable,
	buildTable,
	copyRows,
	FEATURES,
	joinMarket,
	OPEN,
	rowCount,
	rowFeatures,
	selectRows,
} from "../../../src/model/feature-table";
import { CROSS_FEATURES, emptyMarketTally, marketTable } from "../../../src/model/market";
import type { RuleSpec } from "../../../src/model/rules";

const series = (card_id: string, set_name: string, dates: string[], prices: number[]): CardSeries => ({
	format: 1,
	card_id,
	name: card_id,
	set_name,
	dates,
	prices,
});

/*
 * Horizon 2 days, move 25%, as of 01-05.
 *
 *   row card date   price  outcome                              later (last price by the horizon's end)
 *   0   a    01-01  100    01-02 130 >= 125: up (1)             01-03: 120
 *   1   a    01-02  130    01-04 70 <= 97.5: down (-1)          01-04: 70
 *   2   a    01-03  120    01-04 70 <= 90: down (-1)            01-05: 80
 *   3   a    01-04  70     horizon ends 01-06 > as-of: open (2) NaN
 *   4   a    01-05  80     open                                 NaN
 *   5   b    01-01  50     51 by 01-03: none (0)                01-03: 51
 *   6   b    01-02  51     52 by 01-04: none (0)                01-04: 52
 *   7   b    01-04  52     open                                 NaN
 */
const A = series(
	"a",
	"s1",
	["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"],
	[100, 130, 120, 70, 80],
);
const B = series("b", "s2", ["2026-01-01", "2026-01-02", "2026-01-04"], [50, 51, 52]);
const RULES: RuleSpec[] = [{ rule: "momentum", window: 1, threshold: 0.1 }, { rule: "hold" }];
const OPTIONS = { asOf: "2026-01-05", horizon: { days: 2, move: 0.25 }, rules: RULES };
const R1 = FEATURES.indexOf("r1");
const f32 = Math.fround;

describe("FEATURES and OPEN", () => {
	it("lists the card features, then the cross-sectional ones", () => {
		expect(FEATURES).toEqual([...CARD_FEATURES, ...CROSS_FEATURES]);
		expect(FEATURES.length).toBe(31);
		expect(OPEN).toBe(2);
	});
});

describe("buildTable", () => {
	const t = buildTable([A, B], OPTIONS);

	it("has one row per card and observed day, card by card", () => {
		expect(rowCount(t)).toBe(8);
		expect(t.card_id).toEqual(["a", "a", "a", "a", "a", "b", "b", "b"]);
		expect(t.set_name).toEqual(["s1", "s1", "s1", "s1", "s1", "s2", "s2", "s2"]);
		expect(t.date).toEqual([...A.dates, ...B.dates]);
		expect(Array.from(t.price)).toEqual([...A.prices, ...B.prices]);
	});

	it("codes outcomes as of as-of: 1 up, -1 down, 0 none, 2 open", () => {
		expect(Array.from(t.outcome)).toEqual([1, -1, -1, OPEN, OPEN, 0, 0, OPEN]);
	});

	it("keeps the last price on or before the horizon's end, NaN while open", () => {
		expect(Array.from(t.later)).toEqual([120, 70, 80, Number.NaN, Number.NaN, 51, 52, Number.NaN]);
	});

	it("stores the card features as float32, and NaN cross-sectional features until joined", () => {
		const r1 = t.x[R1] as Float32Array;
		expect(r1[0]).toBeNaN();
		expect(r1[1]).toBe(f32(Math.log(130 / 100)));
		expect(r1[7]).toBe(f32(Math.log(52 / 51)));
		expect(t.x[FEATURES.indexOf("nobs")]?.[4]).toBe(5);
		expect(t.x[FEATURES.indexOf("gap")]?.[7]).toBe(2);
		for (const name of CROSS_FEATURES)
			expect(Array.from(t.x[FEATURES.indexOf(name)] as Float32Array)).toEqual(Array(8).fill(Number.NaN));
	});

	it("stores each rule's signal code and fair price, NaN where the rule has none", () => {
		// Momentum over one observation, 10%: 130/100 BUY, 120/130 HOLD, 70/120 SELL, 80/70 BUY; b never moves 10%.
		expect(Array.from(t.rule_signal[0] as Int8Array)).toEqual([0, 1, 0, -1, 1, 0, 0, 0]);
		const fair = t.rule_fair[0] as Float32Array;
		expect(fair[0]).toBeNaN();
		expect(fair[1]).toBe(f32(169));
		expect(fair[3]).toBe(f32(70 * (70 / 120)));
		expect(fair[5]).toBeNaN();
		// Always-HOLD: HOLD, fair = the price.
		expect(Array.from(t.rule_signal[1] as Int8Array)).toEqual(Array(8).fill(0));
		expect(Array.from(t.rule_fair[1] as Float32Array)).toEqual([...A.prices, ...B.prices]);
	});

	it("tallies the cards' returns into the market tally when given one", () => {
		const market = emptyMarketTally();
		buildTable([A, B], { ...OPTIONS, market });
		// 01-02: both cards' r1; 01-01: neither card has one.
		// One row of four numbers a day from the first date: [sum r1, n r1, sum r7, n r7].
		expect(market.market?.from).toBe("2026-01-01");
		expect(market.market?.cells[5]).toBe(2);
		expect(market.market?.cells[4]).toBeCloseTo(Math.log(1.3) + Math.log(51 / 50), 12);
		expect(market.market?.cells.slice(0, 4)).toEqual([0, 0, 0, 0]);
		const s2 = market.sets.s2;
		const day = (Date.parse("2026-01-04") - Date.parse(s2?.from ?? "")) / 86_400_000;
		expect(s2?.cells[day * 4]).toBeCloseTo(Math.log(52 / 51), 12);
	});
});

describe("joinMarket", () => {
	it("fills each row's market and set means and its return relative to its set", () => {
		const market = emptyMarketTally();
		const t = joinMarket(buildTable([A, B], { ...OPTIONS, market }), marketTable(market));
		const col = (name: string) => t.x[FEATURES.indexOf(name)] as Float32Array;
		// Row 1 (a, 01-02): market mean of ln 1.3 and ln 1.02; a is the only card of s1.
		expect(col("mkt_r1")[1]).toBeCloseTo((Math.log(1.3) + Math.log(1.02)) / 2, 6);
		expect(col("set_r1")[1]).toBeCloseTo(Math.log(1.3), 6);
		expect(col("rel_r1")[1]).toBeCloseTo(0, 6);
		// Row 3 (a, 01-04) shares the date with row 7 (b): the market mean is of both.
		expect(col("mkt_r1")[3]).toBeCloseTo((Math.log(70 / 120) + Math.log(52 / 51)) / 2, 6);
		expect(col("mkt_r1")[7]).toBe(col("mkt_r1")[3]);
		// No r1 on 01-01 and no r7 at all: NaN.
		expect(col("mkt_r1")[0]).toBeNaN();
		expect(Array.from(col("set_r7"))).toEqual(Array(8).fill(Number.NaN));
	});
});

describe("selectRows, copyRows and rowFeatures", () => {
	const t = buildTable([A, B], OPTIONS);

	it("selectRows copies the rows at the indices, in their order, every column", () => {
		const s = selectRows(t, [6, 1]);
		expect(rowCount(s)).toBe(2);
		expect(s.card_id).toEqual(["b", "a"]);
		expect(s.set_name).toEqual(["s2", "s1"]);
		expect(s.date).toEqual(["2026-01-02", "2026-01-02"]);
		expect(Array.from(s.price)).toEqual([51, 130]);
		expect(Array.from(s.outcome)).toEqual([0, -1]);
		expect(Array.from(s.later)).toEqual([52, 70]);
		expect(s.x[R1]?.[1]).toBe(t.x[R1]?.[1]);
		expect(Array.from(s.rule_signal[0] as Int8Array)).toEqual([0, 1]);
		expect(s.rule_fair[0]?.[1]).toBe(f32(169));
	});

	it("copyRows puts rows of several tables one after another into one: split and copied back is the whole", () => {
		const first = selectRows(t, [0, 1, 2]);
		const rest = selectRows(t, [3, 4, 5, 6, 7]);
		const whole = allocateTable(8, RULES.length);
		expect(copyRows(first, [0, 1, 2], whole, 0)).toBe(whole);
		copyRows(rest, [0, 1, 2, 3, 4], whole, 3);
		expect(whole).toEqual(t);
	});

	it("rowFeatures reads one row across the feature columns, into a reused buffer", () => {
		const into = new Float32Array(FEATURES.length);
		const row = rowFeatures(t, 1, into);
		expect(row).toBe(into);
		expect(row.length).toBe(FEATURES.length);
		FEATURES.forEach((_, f) => {
			expect(Object.is(row[f], t.x[f]?.[1]), FEATURES[f]).toBe(true);
		});
		expect(rowFeatures(t, 2)[R1]).toBe(f32(Math.log(120 / 130)));
	});
});
