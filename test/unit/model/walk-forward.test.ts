import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../../../src/model/dates";
import { anchoredFolds, type Fold, inSpan, type WindowOptions, walkForward } from "../../../src/model/walk-forward";

const O: WindowOptions = {
	horizonDays: 14,
	selectionDays: 40,
	validationDays: 30,
	foldDays: 7,
	maxFolds: 20,
	minTrainDays: 60,
};
const EPOCH = "1970-01-01";

/** Folds as compact strings: judged from..to <- train_through. */
const show = (folds: Fold[]) => folds.map((f) => `${f.judged.from}..${f.judged.to}<-${f.train_through}`);

describe("walkForward", () => {
	// As of 06-30 with a 14-day horizon, the last day whose outcome is known is 06-16; the 70 days
	// before it and it are judged: selection 40 days from 04-08, validation 30 days to 06-16.
	const w = walkForward("2025-01-01", "2026-06-30", O);

	it("ends the judged days at as-of minus the horizon: selection, then validation", () => {
		expect(w?.selection).toEqual({ from: "2026-04-08", to: "2026-05-17" });
		expect(w?.validation).toEqual({ from: "2026-05-18", to: "2026-06-16" });
		expect(w?.train_through).toBe("2026-06-16");
	});

	it("cuts the judged days into folds on 7-day boundaries since 1970-01-01", () => {
		// 1970-01-01 was a Thursday, so folds start on Thursdays; 2026-04-09 is one.
		expect(show(w?.folds ?? [])).toEqual([
			"2026-04-08..2026-04-08<-2026-03-24",
			"2026-04-09..2026-04-15<-2026-03-25",
			"2026-04-16..2026-04-22<-2026-04-01",
			"2026-04-23..2026-04-29<-2026-04-08",
			"2026-04-30..2026-05-06<-2026-04-15",
			"2026-05-07..2026-05-13<-2026-04-22",
			"2026-05-14..2026-05-20<-2026-04-29",
			"2026-05-21..2026-05-27<-2026-05-06",
			"2026-05-28..2026-06-03<-2026-05-13",
			"2026-06-04..2026-06-10<-2026-05-20",
			"2026-06-11..2026-06-16<-2026-05-27",
		]);
	});

	it("covers every judged day exactly once", () => {
		const folds = w?.folds ?? [];
		expect(folds[0]?.judged.from).toBe(w?.selection.from);
		expect(folds.at(-1)?.judged.to).toBe(w?.validation.to);
		for (let k = 1; k < folds.length; k++)
			expect(folds[k]?.judged.from).toBe(addDays(folds[k - 1]?.judged.to as string, 1));
	});

	it("purges: no training day's label window (day, day + horizon] reaches into the fold it judges", () => {
		for (const f of w?.folds ?? []) {
			// The last training day's window ends the day before the fold starts...
			expect(addDays(f.train_through, O.horizonDays) < f.judged.from).toBe(true);
			// ...and the next day's would reach into it: the purge is no wider than it must be.
			expect(addDays(f.train_through, O.horizonDays + 1)).toBe(f.judged.from);
		}
	});

	it("keeps every fold's boundaries when the next night comes: only the first and last folds change", () => {
		const next = walkForward("2025-01-01", "2026-07-01", O);
		const tonight = show(w?.folds ?? []);
		const tomorrow = show(next?.folds ?? []);
		for (const fold of tonight.slice(1, -1)) expect(tomorrow).toContain(fold);
		expect(tomorrow).not.toContain(tonight[0]);
		expect(tomorrow).not.toContain(tonight.at(-1));
		// Every boundary but the span's first day sits on a multiple of 7 days since 1970-01-01.
		for (const f of next?.folds.slice(1) ?? []) expect(daysBetween(EPOCH, f.judged.from) % 7).toBe(0);
	});

	it("doubles the fold length until the folds fit in maxFolds", () => {
		// 70 days: 7-day folds need 11, 14-day folds 6, 28-day folds 4.
		const folds = walkForward("2025-01-01", "2026-06-30", { ...O, maxFolds: 4 })?.folds ?? [];
		expect(show(folds)).toEqual([
			"2026-04-08..2026-04-08<-2026-03-24",
			"2026-04-09..2026-05-06<-2026-03-25",
			"2026-05-07..2026-06-03<-2026-04-22",
			"2026-06-04..2026-06-16<-2026-05-20",
		]);
		for (const f of folds.slice(1)) expect(daysBetween(EPOCH, f.judged.from) % 28).toBe(0);
	});

	it("starts later when history is short: the first fold trains on exactly minTrainDays days", () => {
		// Data from 2026-03-01: the first judged day is 60 days of training plus the 14-day purge later.
		const short = walkForward("2026-03-01", "2026-06-30", O);
		expect(short?.selection.from).toBe(addDays("2026-03-01", 60 + 14));
		const first = short?.folds[0] as Fold;
		expect(daysBetween("2026-03-01", first.train_through) + 1).toBe(O.minTrainDays);
		// The windows keep the selection : validation proportion of 40 : 30 over the 34 days left
		// (05-14 to 06-16): validation round(34 * 30 / 70) = 15 days, selection 19.
		expect(short?.selection).toEqual({ from: "2026-05-14", to: "2026-06-01" });
		expect(short?.validation).toEqual({ from: "2026-06-02", to: "2026-06-16" });
	});

	it("is null without room for a purged selection and validation day, one day each at the least", () => {
		// Two judged days need 60 + 14 days before them and 14 after: as-of = data from + 89.
		const tight = walkForward("2026-01-01", addDays("2026-01-01", 89), O);
		expect(tight?.selection).toEqual({ from: "2026-03-16", to: "2026-03-16" });
		expect(tight?.validation).toEqual({ from: "2026-03-17", to: "2026-03-17" });
		expect(walkForward("2026-01-01", addDays("2026-01-01", 88), O)).toBeNull();
		expect(walkForward("2026-06-01", "2026-06-30", O)).toBeNull();
	});
});

describe("anchoredFolds", () => {
	it("puts a span inside one anchored period in one fold", () => {
		// 2026-04-09 (a boundary) to 2026-04-15: one 7-day fold.
		expect(
			anchoredFolds({ from: "2026-04-09", to: "2026-04-15" }, { foldDays: 7, maxFolds: 5, horizonDays: 3 }),
		).toEqual([{ judged: { from: "2026-04-09", to: "2026-04-15" }, train_through: "2026-04-05" }]);
	});
});

describe("inSpan", () => {
	it("includes both ends", () => {
		const span = { from: "2026-01-02", to: "2026-01-04" };
		expect(["2026-01-01", "2026-01-02", "2026-01-04", "2026-01-05"].map((d) => inSpan(d, span))).toEqual([
			false,
			true,
			true,
			false,
		]);
	});
});
