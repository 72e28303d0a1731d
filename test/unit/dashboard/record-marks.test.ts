import { describe, expect, it } from "vitest";
import { recordLine, recordMarks, verdictOf } from "../../../src/dashboard/record-marks";
import { chartData, dayToSeconds } from "../../../src/dashboard/series";
import type { HistoryPoint, TrackRecordEntry } from "../../../src/dashboard/types";

const answer = (
	run_date: string,
	date: string,
	signal: string,
	outcome: string | null,
	market_price = 100,
): TrackRecordEntry => ({ run_date, card_id: "a-1", date, signal, outcome, market_price });

describe("how a published answer turned out", () => {
	it("judges a BUY by a first move up and a SELL by a first move down; neither is undecided, none yet pending", () => {
		expect(verdictOf({ signal: "BUY", outcome: "up" })).toBe("right");
		expect(verdictOf({ signal: "BUY", outcome: "down" })).toBe("wrong");
		expect(verdictOf({ signal: "SELL", outcome: "down" })).toBe("right");
		expect(verdictOf({ signal: "SELL", outcome: "up" })).toBe("wrong");
		expect(verdictOf({ signal: "SELL", outcome: "none" })).toBe("undecided");
		expect(verdictOf({ signal: "BUY", outcome: null })).toBe("pending");
		expect(verdictOf({ signal: "BUY" })).toBe("pending");
		expect(verdictOf({ signal: "HOLD", outcome: "up" })).toBe("hold");
		expect(verdictOf({ outcome: "up" })).toBe("hold");
	});
});

describe("a card's track record on its chart", () => {
	const days = ["2026-08-01", "2026-08-02", "2026-08-03", "2026-08-04"];
	const prices = [100, 110, 120, 130];

	it("marks each BUY and SELL on its day at the price it was published with, and counts every answer", () => {
		const marks = recordMarks(days, prices, [
			answer("2026-08-04", "2026-08-04", "BUY", null, 131),
			answer("2026-08-03", "2026-08-03", "SELL", "up", 119),
			answer("2026-08-02", "2026-08-02", "HOLD", "down"),
			answer("2026-08-01", "2026-08-01", "BUY", "none"),
			answer("2026-07-01", "2026-07-01", "SELL", "down"),
		]);
		expect(marks.pending).toEqual([null, null, null, 131]);
		expect(marks.wrong).toEqual([null, null, 119, null]);
		expect(marks.undecided).toEqual([100, null, null, null]);
		expect(marks.right).toEqual([null, null, null, null]);
		expect(marks.at.map((r) => r?.signal ?? null)).toEqual(["BUY", null, "SELL", "BUY"]);
		expect(marks.counts).toEqual({
			answers: 5,
			marked: 3,
			offChart: 1,
			right: 1,
			wrong: 1,
			undecided: 1,
			pending: 1,
			hold: 1,
		});
	});

	it("shows the newest run's answer when several runs answered about the same day", () => {
		const marks = recordMarks(days, prices, [
			answer("2026-08-05", "2026-08-04", "SELL", "down", Number.NaN),
			answer("2026-08-04", "2026-08-04", "BUY", "down"),
			answer("2026-08-06", "2026-08-04", "BUY", "up", 132),
		]);
		expect(marks.right).toEqual([null, null, null, 132]);
		expect(marks.wrong).toEqual([null, null, null, null]);
		expect(marks.at[3]?.run_date).toBe("2026-08-06");
		expect(marks.counts).toMatchObject({ answers: 3, marked: 1, right: 2, wrong: 1 });
		// No usable published price: the mark sits on the chart's price of that day.
		expect(recordMarks(days, prices, [answer("2026-08-05", "2026-08-02", "SELL", "down", Number.NaN)]).right[1]).toBe(
			110,
		);
	});

	it("goes into the chart's data, aligned with its days", () => {
		const point = (date: string, market: number, signal: string): HistoryPoint => ({
			date,
			market_price: market,
			fair_price: market,
			signal,
		});
		const data = chartData(
			[point("2026-08-02", 110, "SELL"), point("2026-08-01", 100, "BUY")],
			[answer("2026-08-02", "2026-08-02", "SELL", "down", 110)],
		);
		expect(data.x).toEqual([dayToSeconds("2026-08-01"), dayToSeconds("2026-08-02")]);
		expect(data.days).toEqual(["2026-08-01", "2026-08-02"]);
		expect(data.record.right).toEqual([null, 110]);
		expect(chartData([point("2026-08-01", 100, "HOLD")]).record.counts.answers).toBe(0);
	});

	it("says in a line what the chart marks", () => {
		const counts = recordMarks(days, prices, [
			answer("2026-08-04", "2026-08-04", "BUY", "up"),
			answer("2026-08-03", "2026-08-03", "HOLD", null),
			answer("2026-07-01", "2026-07-01", "SELL", null),
		]).counts;
		expect(recordLine(counts, true)).toBe(
			"Track record: 3 published answers · BUY and SELL 1 right, 0 wrong, 0 undecided, 1 pending · 1 HOLD · 1 about days off the chart",
		);
		expect(recordLine({ ...counts, answers: 1, offChart: 0 }, false)).toMatch(
			/^Track record \(the newest runs\): 1 published answer · /,
		);
		expect(recordLine(recordMarks(days, prices, []).counts, true)).toBe("No published answers for this card yet.");
	});
});
