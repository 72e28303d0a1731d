import { describe, expect, it } from "vitest";
import { defaultCard, signalCounts } from "../../../src/dashboard/cards";
import { chartData, dayToSeconds } from "../../../src/dashboard/series";
import type { CatalogueCard, HistoryPoint } from "../../../src/dashboard/types";

const point = (date: string, market: number, fair: number, signal: string): HistoryPoint => ({
	date,
	market_price: market,
	fair_price: fair,
	deviation_pct: (market - fair) / fair,
	signal,
});

describe("the chart's data", () => {
	it("puts days in order as UTC seconds, with markers at the market price on BUY and SELL days only", () => {
		const data = chartData([
			point("2026-08-03", 90, 100, "BUY"),
			point("2026-08-01", 100, 100, "HOLD"),
			point("2026-08-02", 120, 100, "SELL"),
		]);
		expect(data.x).toEqual([dayToSeconds("2026-08-01"), dayToSeconds("2026-08-02"), dayToSeconds("2026-08-03")]);
		expect(data.x[1] as number).toBe(Date.UTC(2026, 7, 2) / 1000);
		expect(data.market).toEqual([100, 120, 90]);
		expect(data.fair).toEqual([100, 100, 100]);
		expect(data.buy).toEqual([null, null, 90]);
		expect(data.sell).toEqual([null, 120, null]);
		expect(data).toMatchObject({ buyDays: 1, sellDays: 1, from: "2026-08-01", to: "2026-08-03" });
	});

	it("leaves out points it cannot draw instead of failing", () => {
		const broken = [
			point("2026-08-01", 100, 100, "HOLD"),
			{ date: "yesterday", market_price: 1, fair_price: 1 },
			{ date: "2026-08-02", market_price: Number.NaN, fair_price: 1 },
			{ date: "2026-08-03" } as HistoryPoint,
		] as HistoryPoint[];
		expect(chartData(broken)).toMatchObject({ x: [dayToSeconds("2026-08-01")], buyDays: 0, sellDays: 0 });
		expect(chartData([])).toMatchObject({ x: [], from: null, to: null });
	});
});

describe("choosing catalogue cards", () => {
	const cards: CatalogueCard[] = [
		{ card_id: "a-1", name: "Pikachu", set: "Base", latest_signal: "HOLD" },
		{ card_id: "b-2", name: "Mew ex", set: "Paldean Fates", latest_signal: "SELL" },
		{ card_id: "c-3", name: "Groudon", set: "Paradox Rift", latest_signal: "BUY" },
	];

	it("opens the card shown before, else the first with a BUY or SELL, else the first", () => {
		expect(defaultCard(cards, "c-3")?.card_id).toBe("c-3");
		expect(defaultCard(cards, "gone")?.card_id).toBe("b-2");
		expect(defaultCard([cards[0] as CatalogueCard], null)?.card_id).toBe("a-1");
		expect(defaultCard([], null)).toBeUndefined();
	});

	it("counts signals", () => {
		expect(signalCounts([...cards, { card_id: "d-4", latest_signal: "WAIT" }])).toEqual({ BUY: 1, SELL: 1, HOLD: 1 });
	});
});
