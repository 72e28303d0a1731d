import { describe, expect, it } from "vitest";
import { CARD_ID_PATTERN, CardSeries, isIsoDate, type PriceRow, toSeries } from "../../../src/model/card-series";

const row = (card_id: string, date: string, market_price: number, card_name = "Name", set_name = "Set"): PriceRow => ({
	card_id,
	card_name,
	set_name,
	date,
	market_price,
	source: "test",
});

describe("isIsoDate", () => {
	it("accepts calendar dates in YYYY-MM-DD form", () => {
		expect(isIsoDate("2026-08-22")).toBe(true);
		expect(isIsoDate("2024-02-29")).toBe(true);
	});

	it("refuses dates that are not on the calendar", () => {
		expect(isIsoDate("2023-02-29")).toBe(false);
		expect(isIsoDate("2026-13-01")).toBe(false);
		expect(isIsoDate("2026-04-31")).toBe(false);
	});

	it("refuses other shapes", () => {
		for (const value of ["2026-8-22", "22-08-2026", "2026/08/22", "2026-08-22T00:00:00Z", "", "yesterday"]) {
			expect(isIsoDate(value), value).toBe(false);
		}
	});
});

describe("CARD_ID_PATTERN", () => {
	it("accepts lower-case slugs", () => {
		for (const id of ["sv03-223-charizard-ex", "a", "x.y_z-1", "9"]) expect(CARD_ID_PATTERN.test(id), id).toBe(true);
	});

	it("refuses upper case, leading punctuation, spaces and over-long ids", () => {
		for (const id of ["Charizard", "-abc", ".abc", "a b", "", "a/b", "a".repeat(129)]) {
			expect(CARD_ID_PATTERN.test(id), id).toBe(false);
		}
		expect(CARD_ID_PATTERN.test("a".repeat(128))).toBe(true);
	});
});

describe("toSeries", () => {
	it("groups rows into one series per card, cards and dates ascending", () => {
		const series = toSeries([
			row("b-card", "2026-01-03", 3),
			row("a-card", "2026-01-02", 20),
			row("b-card", "2026-01-01", 1),
			row("a-card", "2026-01-01", 10),
			row("b-card", "2026-01-02", 2),
		]);
		expect(series.map((s) => s.card_id)).toEqual(["a-card", "b-card"]);
		expect(series[0]).toMatchObject({ dates: ["2026-01-01", "2026-01-02"], prices: [10, 20] });
		expect(series[1]).toMatchObject({ dates: ["2026-01-01", "2026-01-02", "2026-01-03"], prices: [1, 2, 3] });
	});

	it("keeps the last row of a repeated card and date", () => {
		const [series] = toSeries([row("a", "2026-01-01", 1), row("a", "2026-01-02", 2), row("a", "2026-01-01", 9)]);
		expect(series?.dates).toEqual(["2026-01-01", "2026-01-02"]);
		expect(series?.prices).toEqual([9, 2]);
	});

	it("takes the name and set from the card's last row", () => {
		const [series] = toSeries([
			row("a", "2026-01-01", 1, "Old", "Old Set"),
			row("a", "2026-01-02", 2, "New", "New Set"),
		]);
		expect(series).toMatchObject({ name: "New", set_name: "New Set" });
	});

	it("writes series the artifact schema accepts", () => {
		const [series] = toSeries([row("a", "2026-01-01", 1)]);
		expect(CardSeries.parse(series)).toEqual({
			format: 1,
			card_id: "a",
			name: "Name",
			set_name: "Set",
			dates: ["2026-01-01"],
			prices: [1],
		});
	});

	it("returns nothing for no rows", () => {
		expect(toSeries([])).toEqual([]);
	});
});
