import { describe, expect, it } from "vitest";
import {
	classify,
	deviation,
	evaluateAt,
	indexOfDate,
	nearestDates,
	trailingMean,
} from "../../../src/model/fair-value";
import { lastDay, SPEC } from "../../helpers/evaluate";

describe("trailingMean", () => {
	const prices = [10, 20, 30, 40, 50];

	it("is the day's own price on the first day", () => {
		expect(trailingMean(prices, 0, 3)).toBe(10);
	});

	it("averages the observations there are on the second day", () => {
		expect(trailingMean(prices, 1, 3)).toBe(15);
	});

	it("averages exactly the last `window` observations once the window is full", () => {
		expect(trailingMean(prices, 2, 3)).toBe(20);
		expect(trailingMean(prices, 4, 3)).toBe(40);
	});

	it("uses a window of one as the price itself", () => {
		expect(trailingMean(prices, 3, 1)).toBe(40);
	});

	it("refuses an index outside the series", () => {
		expect(() => trailingMean(prices, 5, 3)).toThrow(RangeError);
		expect(() => trailingMean(prices, -1, 3)).toThrow(RangeError);
	});
});

describe("deviation", () => {
	it("is (market - fair) / fair", () => {
		expect(deviation(110, 100)).toBeCloseTo(0.1, 12);
		expect(deviation(80, 100)).toBeCloseTo(-0.2, 12);
	});

	it("is null, not a division, when fair is zero or negative", () => {
		expect(deviation(5, 0)).toBeNull();
		expect(deviation(0, 0)).toBeNull();
		expect(deviation(5, -1)).toBeNull();
	});

	it("is null for non-finite inputs", () => {
		expect(deviation(Number.NaN, 10)).toBeNull();
		expect(deviation(10, Number.POSITIVE_INFINITY)).toBeNull();
	});
});

describe("classify", () => {
	it("counts the exact thresholds: -0.10 is BUY, 0.15 is SELL", () => {
		expect(classify(-0.1, SPEC)).toBe("BUY");
		expect(classify(0.15, SPEC)).toBe("SELL");
	});

	it("holds just inside either threshold", () => {
		expect(classify(-0.099999, SPEC)).toBe("HOLD");
		expect(classify(0.149999, SPEC)).toBe("HOLD");
		expect(classify(0, SPEC)).toBe("HOLD");
	});

	it("buys and sells beyond the thresholds", () => {
		expect(classify(-0.5, SPEC)).toBe("BUY");
		expect(classify(2, SPEC)).toBe("SELL");
	});

	it("holds without a deviation", () => {
		expect(classify(null, SPEC)).toBe("HOLD");
	});

	it("uses the thresholds it is given", () => {
		expect(classify(-0.06, { buy_threshold: 0.05, sell_threshold: 0.05 })).toBe("BUY");
		expect(classify(0.06, { buy_threshold: 0.05, sell_threshold: 0.05 })).toBe("SELL");
	});
});

describe("evaluateAt", () => {
	it("returns the day, its market price, fair price, deviation and signal", () => {
		expect(evaluateAt(["2026-01-01", "2026-01-02", "2026-01-03"], [100, 110, 120], 2, SPEC)).toEqual({
			date: "2026-01-03",
			market_price: 120,
			fair_price: 110,
			deviation_pct: 0.090909,
			signal: "HOLD",
		});
	});

	it("gives a card's first day its own price as fair value and no signal", () => {
		const first = evaluateAt(["2026-01-01", "2026-01-02"], [50, 500], 0, SPEC);
		expect(first).toMatchObject({ fair_price: 50, deviation_pct: 0, signal: "HOLD" });
	});

	it("uses the mean of two on the second day", () => {
		// fair = (100 + 80) / 2 = 90; deviation = -10 / 90.
		expect(lastDay([100, 80])).toMatchObject({ fair_price: 90, deviation_pct: -0.111111, signal: "BUY" });
	});

	it("uses only the last three observations once the window is full", () => {
		// The 1000 falls out of the window: fair = (100 + 100 + 100) / 3.
		expect(lastDay([1000, 100, 100, 100])).toMatchObject({ fair_price: 100, deviation_pct: 0, signal: "HOLD" });
	});

	it("is BUY at exactly -10%", () => {
		// fair = (100 + 110 + 90) / 3 = 100; deviation = -0.10.
		expect(lastDay([100, 110, 90])).toMatchObject({ fair_price: 100, deviation_pct: -0.1, signal: "BUY" });
	});

	it("is BUY at -10% even where floating point lands a hair above it", () => {
		// fair = 200/3; (60 - 200/3) / (200/3) is -0.0999999... in binary floating point.
		const day = lastDay([70, 70, 60]);
		expect(day.deviation_pct).toBe(-0.1);
		expect(day.signal).toBe("BUY");
	});

	it("is SELL at exactly +15%", () => {
		// fair = (85 + 100 + 115) / 3 = 100; deviation = 0.15.
		expect(lastDay([85, 100, 115])).toMatchObject({ fair_price: 100, deviation_pct: 0.15, signal: "SELL" });
	});

	it("holds just inside both thresholds", () => {
		const nearBuy = lastDay([100, 110, 90.01]);
		expect(nearBuy.deviation_pct).toBeGreaterThan(-0.1);
		expect(nearBuy.signal).toBe("HOLD");
		const nearSell = lastDay([85, 100, 114.99]);
		expect(nearSell.deviation_pct).toBeLessThan(0.15);
		expect(nearSell.signal).toBe("HOLD");
	});

	it("counts observations, not calendar days, across gaps in dates", () => {
		const dates = ["2026-01-01", "2026-01-02", "2026-02-15", "2026-06-30"];
		const prices = [999, 10, 20, 30];
		// The three latest observations, however far apart: (10 + 20 + 30) / 3.
		expect(evaluateAt(dates, prices, 3, SPEC)).toMatchObject({
			date: "2026-06-30",
			fair_price: 20,
			deviation_pct: 0.5,
		});
	});

	it("evaluates a card with a single price", () => {
		expect(evaluateAt(["2026-03-03"], [42], 0, SPEC)).toEqual({
			date: "2026-03-03",
			market_price: 42,
			fair_price: 42,
			deviation_pct: 0,
			signal: "HOLD",
		});
	});

	it("answers a fair value of zero with a null deviation and HOLD", () => {
		const day = lastDay([0, 0, 0]);
		expect(day).toEqual({ date: "2026-01-03", market_price: 0, fair_price: 0, deviation_pct: null, signal: "HOLD" });
		expect(Number.isNaN(day.fair_price)).toBe(false);
	});

	it("rounds the fair price to 4 places and the deviation to 6", () => {
		const day = lastDay([1, 1, 2]);
		expect(day.fair_price).toBe(1.3333);
		expect(day.deviation_pct).toBe(0.5);
		const odd = lastDay([3, 3, 1]);
		expect(odd.fair_price).toBe(2.3333);
		expect(odd.deviation_pct).toBe(-0.571429);
	});

	it("follows the spec's window", () => {
		expect(lastDay([10, 20, 30, 40], { ...SPEC, window: 2 }).fair_price).toBe(35);
		expect(lastDay([10, 20, 30, 40], { ...SPEC, window: 10 }).fair_price).toBe(25);
	});

	it("refuses an index outside the series", () => {
		expect(() => evaluateAt(["2026-01-01"], [1], 1, SPEC)).toThrow(RangeError);
	});
});

describe("indexOfDate", () => {
	const dates = ["2026-01-01", "2026-01-05", "2026-02-01", "2026-03-10"];

	it("finds every date it holds", () => {
		dates.forEach((d, i) => {
			expect(indexOfDate(dates, d)).toBe(i);
		});
	});

	it("is -1 for a date it does not hold", () => {
		expect(indexOfDate(dates, "2026-01-02")).toBe(-1);
		expect(indexOfDate(dates, "2025-12-31")).toBe(-1);
		expect(indexOfDate(dates, "2026-12-31")).toBe(-1);
		expect(indexOfDate([], "2026-01-01")).toBe(-1);
	});
});

describe("nearestDates", () => {
	const dates = ["2026-01-01", "2026-01-05", "2026-02-01"];

	it("names the neighbours of a date inside a gap", () => {
		expect(nearestDates(dates, "2026-01-03")).toEqual({ before: "2026-01-01", after: "2026-01-05" });
	});

	it("has nothing before the first date", () => {
		expect(nearestDates(dates, "2025-06-01")).toEqual({ before: null, after: "2026-01-01" });
	});

	it("has nothing after the last date", () => {
		expect(nearestDates(dates, "2026-05-01")).toEqual({ before: "2026-02-01", after: null });
	});

	it("skips the date itself when it is observed", () => {
		expect(nearestDates(dates, "2026-01-05")).toEqual({ before: "2026-01-01", after: "2026-02-01" });
	});

	it("has no neighbours in an empty series", () => {
		expect(nearestDates([], "2026-01-01")).toEqual({ before: null, after: null });
	});
});
