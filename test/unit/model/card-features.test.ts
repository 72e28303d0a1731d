import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CARD_FEATURES, cardFeatures, evidenceAt, FEATURE_DOC } from "../../../src/model/card-features";
import { addDays } from "../../../src/model/dates";

const a = Math.log(2);

/** Each value close to the expected one (NaN where NaN is expected). */
function expectColumn(actual: Float64Array, expected: number[]) {
	expect(actual.length).toBe(expected.length);
	expected.forEach((e, j) => {
		if (Number.isNaN(e)) expect(actual[j], `day ${j}`).toBeNaN();
		else expect(actual[j], `day ${j}`).toBeCloseTo(e, 12);
	});
}

/*
 * A card observed on six days with a gap (01-03 -> 01-05) and a stale end (01-06 -> 01-09).
 * Log prices relative to ln 10, with a = ln 2:  0, 0, a, 0, 2a, 2a.
 */
const DATES = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-05", "2026-01-06", "2026-01-09"];
const PRICES = [10, 10, 20, 10, 40, 40];
const N = Number.NaN;

describe("cardFeatures on a hand-computed card", () => {
	const f = cardFeatures(DATES, PRICES);

	it("has every feature, one value per observed day", () => {
		expect(Object.keys(f).sort()).toEqual([...CARD_FEATURES].sort());
		for (const name of CARD_FEATURES) expect(f[name].length).toBe(6);
	});

	it("takes log returns over observations, NaN until there are enough", () => {
		expectColumn(f.r1, [N, 0, a, -a, 2 * a, 0]);
		// r3 on day 4 reads day 1 (0), on day 5 day 2 (a).
		expectColumn(f.r3, [N, N, N, 0, 2 * a, a]);
		expectColumn(f.r7, [N, N, N, N, N, N]);
		expectColumn(f.r14, [N, N, N, N, N, N]);
	});

	it("measures the distance from the rolling median, high and low including the day", () => {
		// Day 5's window 0,0,a,0,2a,2a has median a/2; day 3's 0,0,a,0 has median 0.
		expectColumn(f.dmed7, [0, 0, a, 0, 2 * a, 1.5 * a]);
		expectColumn(f.dmax7, [0, 0, 0, -a, 0, 0]);
		expectColumn(f.dmin7, [0, 0, a, 0, 2 * a, 2 * a]);
		// With fewer than 7 observations the longer windows hold the same prices.
		expectColumn(f.dmed30, [0, 0, a, 0, 2 * a, 1.5 * a]);
		expectColumn(f.dmax14, [0, 0, 0, -a, 0, 0]);
	});

	it("takes the population standard deviation of the log returns", () => {
		// Day 2: returns 0, a (mean a/2) -> a/2. Day 3: 0, a, -a (mean 0) -> a sqrt(2/3).
		// Day 4: 0, a, -a, 2a (mean a/2, squared deviations 1/4 + 1/4 + 9/4 + 9/4 of a^2) -> a sqrt(5)/2.
		expectColumn(f.vol7, [0, 0, a / 2, a * Math.sqrt(2 / 3), (a * Math.sqrt(5)) / 2, a * Math.sqrt(1.04)]);
	});

	it("counts the shares of changes that moved, rose and fell", () => {
		expectColumn(f.moves7, [0, 0, 1 / 2, 2 / 3, 3 / 4, 3 / 5]);
		expectColumn(f.ups14, [N, 0, 1 / 2, 1 / 3, 2 / 4, 2 / 5]);
		expectColumn(f.dns14, [N, 0, 0, 1 / 3, 1 / 4, 1 / 5]);
	});

	it("remembers the last change and counts calendar days since it", () => {
		expectColumn(f.lastmv, [N, N, a, -a, 2 * a, 2 * a]);
		// Day 1 repeats day 0's price (1 day); day 5 repeats day 4's, 3 calendar days later.
		expectColumn(f.stale, [0, 1, 0, 0, 0, 3]);
	});

	it("counts observations, gaps in calendar days, the price level and observations since the high", () => {
		expectColumn(f.nobs, [1, 2, 3, 4, 5, 6]);
		expectColumn(f.gap, [N, 1, 1, 2, 1, 3]);
		expectColumn(
			f.lvl,
			PRICES.map((p) => Math.log(p)),
		);
		// A tie with the high keeps the earlier day as the high.
		expectColumn(f.dsmax, [0, 1, 0, 1, 0, 1]);
	});
});

describe("cardFeatures windows", () => {
	// Doubling for three days, then flat: 1, 2, 4, 8, 8, 8, 8, 8, 8, 8 (log: 0, a, 2a, 3a, 3a...).
	const dates = Array.from({ length: 10 }, (_, i) => addDays("2026-03-01", i));
	const f = cardFeatures(dates, [1, 2, 4, 8, 8, 8, 8, 8, 8, 8]);

	it("count observations: the 7-observation windows on day 9 start at day 3", () => {
		// vol7 and moves7 read the 6 changes from day 3 on, all zero; the rise into day 3 is outside.
		expect(f.vol7[9]).toBe(0);
		expect(f.moves7[9]).toBe(0);
		expect(f.dmin7[9]).toBe(0);
		// The 14-observation windows reach back to day 0: changes a, a, a and six zeros.
		expect(f.moves14[9]).toBeCloseTo(3 / 9, 12);
		expect(f.ups14[9]).toBeCloseTo(3 / 9, 12);
		expect(f.vol14[9]).toBeCloseTo((a * Math.sqrt(2)) / 3, 12);
		expect(f.dmin14[9]).toBeCloseTo(3 * a, 12);
		expect(f.dmed14[9]).toBeCloseTo(0, 12);
	});

	it("r7 reads the observation seven back", () => {
		expect(f.r7[6]).toBeNaN();
		expect(f.r7[7]).toBeCloseTo(3 * a, 12);
		expect(f.r7[9]).toBeCloseTo(a, 12);
		expect(f.r14[9]).toBeNaN();
	});

	it("dates staleness and the high from the last change", () => {
		expect(f.stale[9]).toBe(6);
		expect(f.dsmax[9]).toBe(6);
	});
});

describe("cardFeatures is point in time", () => {
	it("leaves every earlier day's features unchanged when later prices change", () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 2, maxLength: 40 }),
				fc.nat(),
				fc.double({ min: 0.5, max: 500, noNaN: true }),
				(prices, at, replacement) => {
					const cut = at % prices.length;
					const dates = prices.map((_, i) => addDays("2026-01-01", i * 2));
					const changed = [...prices];
					changed[cut] = replacement;
					const before = cardFeatures(dates, prices);
					const after = cardFeatures(dates, changed);
					for (const name of CARD_FEATURES)
						expect(Array.from(after[name].subarray(0, cut)), name).toEqual(Array.from(before[name].subarray(0, cut)));
				},
			),
			{ numRuns: 50 },
		);
	});
});

describe("FEATURE_DOC", () => {
	it("documents every card feature", () => {
		for (const name of CARD_FEATURES) expect(FEATURE_DOC[name], name).toBeTruthy();
	});
});

describe("evidenceAt", () => {
	const dates = ["2026-01-01", "2026-01-02", "2026-01-04", "2026-01-08"];
	const prices = [5, 6, 6, 6];

	it("counts observations and the calendar days since the price last changed", () => {
		expect(evidenceAt(dates, prices, 3)).toEqual({ observations: 4, days_since_change: 6 });
		expect(evidenceAt(dates, prices, 1)).toEqual({ observations: 2, days_since_change: 0 });
		expect(evidenceAt(dates, prices, 0)).toEqual({ observations: 1, days_since_change: 0 });
	});

	it("agrees with the stale feature", () => {
		expect(cardFeatures(dates, prices).stale[3]).toBe(evidenceAt(dates, prices, 3).days_since_change);
	});
});
