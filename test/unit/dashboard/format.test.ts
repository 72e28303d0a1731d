import { describe, expect, it } from "vitest";
import {
	DASH,
	fmtChances,
	fmtChange,
	fmtDateTime,
	fmtDuration,
	fmtEdge,
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

	it("format a 7-day change signed with one decimal, and a dash without a price a week back", () => {
		expect(fmtChange(0.042)).toBe("+4.2\u00a0%");
		expect(fmtChange(-0.0081)).toBe("-0.8\u00a0%");
		expect(fmtChange(0)).toBe("0.0\u00a0%");
		expect(fmtChange(null)).toBe(DASH);
	});

	it("format an edge in signed percentage points, and the chances of a move up and down", () => {
		expect(fmtEdge(0.032591)).toBe("+3.3\u00a0pp");
		expect(fmtEdge(-0.0042)).toBe("-0.4\u00a0pp");
		expect([fmtEdge(0.0004), fmtEdge(-0.0004)]).toEqual(["0.0\u00a0pp", "0.0\u00a0pp"]); // no sign on what rounds to nothing
		expect(fmtEdge(0)).toBe("0.0\u00a0pp");
		expect(fmtChances({ p_up: 0.6208, p_down: 0.0375 })).toBe("↑62\u00a0% ↓4\u00a0%");
		expect(fmtChances({ p_up: 0.6208, p_down: 0.0375 }, true)).toBe("P(up) 62\u00a0% · P(down) 4\u00a0%");
		expect(fmtChances({ p_up: null, p_down: null })).toBe(DASH);
		expect(fmtChances({})).toBe(DASH);
	});

	it("show a dash for anything missing or malformed, never NaN or undefined", () => {
		for (const bad of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY, "12", {}])
			expect([fmtPrice(bad), fmtPct(bad), fmtNum(bad), fmtEdge(bad)]).toEqual([DASH, DASH, DASH, DASH]);
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

	it("describe a rule or a learned model's summary, keeping scalar fields it does not know", () => {
		expect(fmtSpec({ rule: "hold" })).toBe("always HOLD");
		expect(fmtSpec({ rule: "momentum", window: 7, threshold: 0.1 })).toBe("momentum · 7 days · ±10\u00a0%");
		expect(
			fmtSpec({
				rule: "fair_value",
				fair: { estimator: "rolling_median", window: 7 },
				buy_threshold: 0.05,
				sell_threshold: 0.1,
			}),
		).toBe("rolling_median · window 7 · BUY ≤ −5\u00a0% · SELL ≥ +10\u00a0%");
		expect(fmtSpec({ rule: "fair_value", fair: { estimator: "ewm", halflife: 3 } })).toBe("ewm · half-life 3");
		expect(
			fmtSpec({
				kind: "learned",
				features: 31,
				policy: { buy_delta: 0.3, sell_delta: 0.3 },
				base_up: 0.6208031599736669,
				calibration: { a: 1.96, b: 0.92 },
				horizon_days: 7,
				move: 0.05,
				min_price: 1,
			}),
		).toBe("learned · 31 features · horizon 7 d · move 5\u00a0% · base up 0.6208 · min price 1");
		// A version stored before rules had their own spec: the estimator's fields at the top.
		expect(fmtSpec({ estimator: "ewm", halflife: 3, min_points: 2, note: "old" })).toBe(
			"ewm · half-life 3 · min points 2 · note old",
		);
	});
});
