import { describe, expect, it } from "vitest";
import {
	DASH,
	fmtDateTime,
	fmtDuration,
	fmtNum,
	fmtPct,
	fmtPrice,
	fmtSpec,
	fmtText,
} from "../../../src/dashboard/format";

describe("the dashboard's formatters", () => {
	it("format prices, percentages and numbers, keeping a percentage on one line", () => {
		expect(fmtPrice(1012.885)).toBe("1,012.89");
		expect(fmtPrice(71.8)).toBe("71.80");
		expect(fmtPct(0.013644)).toBe("1.36\u00a0%");
		expect(fmtPct(0.005176, { signed: true })).toBe("+0.52\u00a0%");
		expect(fmtPct(-0.022045, { signed: true })).toBe("-2.20\u00a0%");
		expect(fmtPct(0, { signed: true })).toBe("0.00\u00a0%");
		expect(fmtPct(1, { digits: 1 })).toBe("100.0\u00a0%");
		expect(fmtNum(0.18025788)).toBe("0.1803");
		expect(fmtNum(7630)).toBe("7,630");
	});

	it("show a dash for anything missing or malformed, never NaN or undefined", () => {
		for (const bad of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY, "12", {}])
			expect([fmtPrice(bad), fmtPct(bad), fmtNum(bad)]).toEqual([DASH, DASH, DASH]);
		expect([fmtText(""), fmtText("  "), fmtText(undefined), fmtText(3)]).toEqual([DASH, DASH, DASH, DASH]);
		expect([fmtDateTime("not a date"), fmtDateTime(undefined)]).toEqual([DASH, DASH]);
		expect([
			fmtDuration(null, "2026-11-27T05:10:13Z"),
			fmtDuration("2026-11-27T05:10:14Z", "2026-11-27T05:10:13Z"),
		]).toEqual([DASH, DASH]);
		expect([fmtSpec(undefined), fmtSpec({})]).toEqual([DASH, DASH]);
	});

	it("format times in UTC and durations at a readable scale", () => {
		expect(fmtDateTime("2026-11-27T05:10:13.098Z")).toBe("2026-11-27 05:10 UTC");
		expect(fmtDuration("2026-11-27T05:10:13.116Z", "2026-11-27T05:10:13.697Z")).toBe("0.6 s");
		expect(fmtDuration("2026-11-27T05:00:00Z", "2026-11-27T05:04:12Z")).toBe("4 min 12 s");
		expect(fmtDuration("2026-11-27T05:00:00Z", "2026-11-27T06:03:00Z")).toBe("1 h 3 min");
	});

	it("describe a model spec, keeping fields it does not know", () => {
		expect(fmtSpec({ estimator: "rolling_median", window: 7, buy_threshold: 0.05, sell_threshold: 0.1 })).toBe(
			"rolling_median · window 7 · BUY ≤ −5\u00a0% · SELL ≥ +10\u00a0%",
		);
		expect(fmtSpec({ estimator: "ewm", halflife: 3, min_points: 2 })).toBe("ewm · half-life 3 · min points 2");
	});
});
