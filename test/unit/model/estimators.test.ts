import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type EstimatorSpec,
	estimate,
	estimateSeries,
	estimatorId,
	ewmAlpha,
	trailingMean,
} from "../../../src/model/estimators";

const PRICES = [10, 20, 30, 40, 50];

const ALL: EstimatorSpec[] = [
	{ estimator: "trailing_mean", window: 3 },
	{ estimator: "rolling_mean", window: 2 },
	{ estimator: "rolling_median", window: 3 },
	{ estimator: "ewm", halflife: 2 },
];

describe("estimate", () => {
	it("trailing_mean includes the day itself (the original baseline)", () => {
		expect(estimate(PRICES, 2, { estimator: "trailing_mean", window: 3 })).toBe(20);
		expect(estimate(PRICES, 0, { estimator: "trailing_mean", window: 3 })).toBe(10);
		expect(estimate(PRICES, 4, { estimator: "trailing_mean", window: 3 })).toBe(trailingMean(PRICES, 4, 3));
	});

	it("rolling_mean uses only the prices before the day, as many as there are up to the window", () => {
		const spec: EstimatorSpec = { estimator: "rolling_mean", window: 2 };
		expect(estimate(PRICES, 1, spec)).toBe(10);
		expect(estimate(PRICES, 2, spec)).toBe(15);
		expect(estimate(PRICES, 4, spec)).toBe(35);
	});

	it("rolling_median takes the middle prior price, or the mean of the two middle ones", () => {
		const prices = [5, 1, 9, 3, 100];
		expect(estimate(prices, 3, { estimator: "rolling_median", window: 3 })).toBe(5);
		expect(estimate(prices, 4, { estimator: "rolling_median", window: 4 })).toBe(4);
		expect(estimate(prices, 2, { estimator: "rolling_median", window: 3 })).toBe(3);
	});

	it("ewm weighs prior prices with the half-life's decay, seeded with the first price", () => {
		const a = ewmAlpha(1);
		expect(a).toBe(0.5);
		// m1 = 10; m2 = 0.5*20 + 0.5*10 = 15; m3 = 0.5*30 + 0.5*15 = 22.5
		expect(estimate(PRICES, 1, { estimator: "ewm", halflife: 1 })).toBe(10);
		expect(estimate(PRICES, 3, { estimator: "ewm", halflife: 1 })).toBe(22.5);
	});

	it("has no fair value on a card's first day for every leak-free estimator", () => {
		for (const spec of ALL.filter((s) => s.estimator !== "trailing_mean")) expect(estimate(PRICES, 0, spec)).toBeNull();
	});

	it("refuses an index outside the series", () => {
		for (const spec of ALL) {
			expect(() => estimate(PRICES, 5, spec)).toThrow(RangeError);
			expect(() => estimate(PRICES, -1, spec)).toThrow(RangeError);
		}
	});
});

describe("estimateSeries", () => {
	it("gives exactly what estimate gives day by day, for every estimator", () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 60 }),
				(prices) => {
					for (const spec of ALL) {
						expect(estimateSeries(prices, spec)).toEqual(prices.map((_, i) => estimate(prices, i, spec)));
					}
				},
			),
		);
	});

	it("never uses a later price: changing the future leaves every earlier fair value unchanged", () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { minLength: 2, maxLength: 40 }),
				fc.nat(),
				fc.double({ min: 0.01, max: 1e5, noNaN: true }),
				(prices, at, replacement) => {
					const cut = at % prices.length;
					const changed = [...prices];
					changed[cut] = replacement;
					for (const spec of ALL) {
						const before = estimateSeries(prices, spec);
						const after = estimateSeries(changed, spec);
						// Leak-free estimators do not even see the day itself.
						const last = spec.estimator === "trailing_mean" ? cut - 1 : cut;
						expect(after.slice(0, last + 1)).toEqual(before.slice(0, last + 1));
					}
				},
			),
		);
	});
});

describe("estimatorId", () => {
	it("names each estimator and its parameter", () => {
		expect(ALL.map(estimatorId)).toEqual(["trailing_mean_3", "rolling_mean_2", "rolling_median_3", "ewm_h2"]);
	});
});
