import { describe, expect, it } from "vitest";
import {
	firstPassage,
	type Horizon,
	outcomeAt,
	outcomeCode,
	outcomeOfCode,
	outcomes,
} from "../../../src/model/first-passage";

// A 25% move keeps the thresholds exact in binary: 100 -> 125 and 75, 120 -> 150 and 90.
const H: Horizon = { days: 3, move: 0.25 };

/*
 *   i  date   price  +25% / -25%      within 3 days (to the horizon's end)
 *   0  01-01  100    125 / 75         01-02 110, 01-03 126 >= 125: up on 01-03
 *   1  01-02  110    137.5 / 82.5     01-03 126, 01-04 80 <= 82.5: down on 01-04
 *   2  01-03  126    157.5 / 94.5     01-04 80: down on 01-04
 *   3  01-04  80     100 / 60         01-05 100 >= 100 (exactly +25%): up on 01-05
 *   4  01-05  100    125 / 75         01-08 (end): nothing after 01-05 -> none from 01-08 on
 */
const DATES = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"];
const PRICES = [100, 110, 126, 80, 100];

describe("firstPassage", () => {
	it("names the first move reached and the day it was reached", () => {
		const asOf = "2026-01-31";
		expect(firstPassage(DATES, PRICES, 0, H, asOf)).toEqual({ outcome: "up", date: "2026-01-03" });
		expect(firstPassage(DATES, PRICES, 1, H, asOf)).toEqual({ outcome: "down", date: "2026-01-04" });
		expect(firstPassage(DATES, PRICES, 2, H, asOf)).toEqual({ outcome: "down", date: "2026-01-04" });
	});

	it("counts a price exactly at +move or -move as reaching it", () => {
		expect(firstPassage(DATES, PRICES, 3, H, "2026-01-31")).toEqual({ outcome: "up", date: "2026-01-05" });
		expect(firstPassage(["2026-01-01", "2026-01-02"], [100, 75], 0, H, "2026-01-31")).toEqual({
			outcome: "down",
			date: "2026-01-02",
		});
	});

	it("dates a `none` on the horizon's end", () => {
		expect(firstPassage(DATES, PRICES, 4, H, "2026-01-31")).toEqual({ outcome: "none", date: "2026-01-08" });
	});
});

describe("outcomeAt", () => {
	it("is open while the horizon runs past as-of and no move has happened yet", () => {
		// Day 4's horizon ends 01-08: open through 01-07, none from 01-08 (the end is on or before as-of).
		expect(outcomeAt(DATES, PRICES, 4, H, "2026-01-07")).toBeNull();
		expect(outcomeAt(DATES, PRICES, 4, H, "2026-01-08")).toBe("none");
	});

	it("reads no price dated after as-of, even inside the horizon", () => {
		// Day 0 goes up on 01-03; as of 01-02 that has not happened yet.
		expect(outcomeAt(DATES, PRICES, 0, H, "2026-01-02")).toBeNull();
		expect(outcomeAt(DATES, PRICES, 0, H, "2026-01-03")).toBe("up");
	});

	it("is decided as soon as the move happens, before the horizon ends", () => {
		// Day 1's horizon ends 01-05; its fall on 01-04 decides it as of 01-04.
		expect(outcomeAt(DATES, PRICES, 1, H, "2026-01-04")).toBe("down");
	});

	it("measures the horizon in calendar days, the end day included", () => {
		const dates = ["2026-01-01", "2026-01-04", "2026-01-05"];
		// 01-04 is the third day after 01-01: inside the horizon.
		expect(outcomeAt(dates, [100, 130, 130], 0, H, "2026-02-01")).toBe("up");
		// 01-05 is the fourth: outside it, so only 01-04's 110 counts and the day is none.
		expect(outcomeAt(dates, [100, 110, 200], 0, H, "2026-02-01")).toBe("none");
	});

	it("moves are relative to the day's own price", () => {
		// From 120, +25% is 150 and -25% is 90: 140 and 95 reach neither.
		expect(outcomeAt(["2026-01-01", "2026-01-02", "2026-01-03"], [120, 140, 95], 0, H, "2026-02-01")).toBe("none");
	});

	it("a card's last observed day is none once its horizon lies before as-of, open until then", () => {
		expect(outcomeAt(["2026-01-01"], [10], 0, H, "2026-01-03")).toBeNull();
		expect(outcomeAt(["2026-01-01"], [10], 0, H, "2026-01-04")).toBe("none");
	});
});

describe("outcomes", () => {
	it("gives every day's outcome as of one date", () => {
		expect(outcomes(DATES, PRICES, H, "2026-01-05")).toEqual(["up", "down", "down", "up", null]);
	});
});

describe("outcomeCode and outcomeOfCode", () => {
	it("code up 1, down -1, none 0, open null, and back", () => {
		expect([outcomeCode("up"), outcomeCode("down"), outcomeCode("none"), outcomeCode(null)]).toEqual([1, -1, 0, null]);
		expect([outcomeOfCode(1), outcomeOfCode(-1), outcomeOfCode(0), outcomeOfCode(null)]).toEqual([
			"up",
			"down",
			"none",
			null,
		]);
	});
});
