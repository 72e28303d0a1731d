import { describe, expect, it } from "vitest";
import { addDays, daysBetween, earlierDate, indexOfDate, laterDate, nearestDates } from "../../../src/model/dates";

describe("calendar arithmetic", () => {
	it("moves across month and year ends, both ways", () => {
		expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
		expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
		expect(daysBetween("2026-12-25", "2027-01-01")).toBe(7);
		expect(daysBetween("2027-01-01", "2026-12-25")).toBe(-7);
	});

	it("orders ISO dates as dates", () => {
		expect(laterDate("2026-09-30", "2026-10-01")).toBe("2026-10-01");
		expect(laterDate("2026-10-01", "2026-09-30")).toBe("2026-10-01");
		expect(earlierDate("2026-09-30", "2026-10-01")).toBe("2026-09-30");
		expect(earlierDate("2026-10-01", "2026-09-30")).toBe("2026-09-30");
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
