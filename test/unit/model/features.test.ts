import { describe, expect, it } from "vitest";
import type { CardSeries } from "../../../src/model/card-series";
import { buildFeatures } from "../../../src/model/features";

const series = (card_id: string, dates: string[], prices: number[]): CardSeries => ({
	format: 1,
	card_id,
	name: card_id,
	set_name: "Set",
	dates,
	prices,
});

describe("buildFeatures", () => {
	// A gap: no price on 01-03.
	const s = series("feat-a", ["2026-01-01", "2026-01-02", "2026-01-04", "2026-01-05"], [100, 110, 99, 120]);
	const f = buildFeatures(
		[s, series("feat-b", ["2026-01-03"], [7])],
		[
			{ estimator: "trailing_mean", window: 2 },
			{ estimator: "rolling_mean", window: 2 },
		],
		{ asOf: "2026-01-05", horizonDays: 2 },
	);

	it("has one row per card and observed day, in card then date order", () => {
		expect(f.card_id).toEqual(["feat-a", "feat-a", "feat-a", "feat-a", "feat-b"]);
		expect(f.date).toEqual(["2026-01-01", "2026-01-02", "2026-01-04", "2026-01-05", "2026-01-03"]);
		expect(f.price).toEqual([100, 110, 99, 120, 7]);
	});

	it("records the return since the previous observation and the next observed price", () => {
		expect(f.ret[0]).toBeNull();
		expect(f.ret[1]).toBeCloseTo(0.1, 12);
		expect(f.ret[2]).toBeCloseTo(-0.1, 12);
		expect(f.next_price).toEqual([110, 99, 120, null, null]);
	});

	it("looks ahead over calendar days for the horizon, and labels only days whose horizon is known", () => {
		// 01-01: (01-01, 01-03] holds 110; 01-02: (01-02, 01-04] holds 99; 01-04: (01-04, 01-06] holds 120.
		expect(f.fwd_max).toEqual([110, 99, 120, null, null]);
		expect(f.fwd_min).toEqual([110, 99, 120, null, null]);
		expect(f.labelled).toEqual([true, true, false, false, true]);
	});

	it("has a fair-value column per estimator, null where a leak-free one has no prior price", () => {
		expect(f.fair.trailing_mean_2).toEqual([100, 105, 104.5, 109.5, 7]);
		expect(f.fair.rolling_mean_2).toEqual([null, 100, 105, 104.5, null]);
	});
});
