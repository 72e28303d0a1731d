import { describe, expect, it } from "vitest";
import { binOf, driftReport, emptyHistogram, ksStatistic, psi, RETURN_BINS } from "../../../src/model/drift";

const histogram = (returns: number[]) => {
	const h = emptyHistogram();
	for (const r of returns) h[binOf(r)] = (h[binOf(r)] as number) + 1;
	return h;
};

describe("binOf", () => {
	it("puts returns in half-point bins between -50% and +50%, and the tails in the first and last bin", () => {
		expect(binOf(-0.9)).toBe(0);
		expect(binOf(-0.5)).toBe(1);
		expect(binOf(0.001)).toBe(101);
		expect(binOf(0.011)).toBe(103);
		expect(binOf(0.497)).toBe(RETURN_BINS - 2);
		expect(binOf(0.5)).toBe(RETURN_BINS - 1);
		expect(binOf(3)).toBe(RETURN_BINS - 1);
	});
});

// Reference returns fall in bins 101, 101, 103, 105; recent ones in 105, 105, 107, 107.
const REFERENCE = histogram([0.001, 0.002, 0.011, 0.021]);
const RECENT = histogram([0.021, 0.022, 0.031, 0.032]);

describe("ksStatistic", () => {
	it("is the largest gap between the two cumulative distributions", () => {
		// After bin 103: reference 3/4, recent 0.
		expect(ksStatistic(REFERENCE, RECENT)).toBe(0.75);
	});

	it("is 0 for the same distribution and null for an empty sample", () => {
		expect(ksStatistic(REFERENCE, REFERENCE)).toBe(0);
		expect(ksStatistic(REFERENCE, emptyHistogram())).toBeNull();
	});
});

describe("psi", () => {
	it("sums (recent - reference) ln(recent / reference) over buckets cut at the reference's deciles", () => {
		// Cuts fall after bins 101 (2/4), 103 (3/4) and 105 (4/4): buckets with reference shares
		// 0.5, 0.25, 0.25, 0 and recent shares 0, 0, 0.5, 0.5 (empty shares count as 0.0001).
		const term = (a: number, e: number) =>
			(Math.max(a, 1e-4) - Math.max(e, 1e-4)) * Math.log(Math.max(a, 1e-4) / Math.max(e, 1e-4));
		const expected = term(0, 0.5) + term(0, 0.25) + term(0.5, 0.25) + term(0.5, 0);
		expect(psi(REFERENCE, RECENT)).toBeCloseTo(expected, 12);
	});

	it("is 0 for the same distribution and null for an empty sample", () => {
		expect(psi(REFERENCE, REFERENCE)).toBeCloseTo(0, 12);
		expect(psi(emptyHistogram(), RECENT)).toBeNull();
	});
});

describe("driftReport", () => {
	it("flags drift when PSI or KS is above its threshold, with the sample sizes", () => {
		expect(driftReport(REFERENCE, RECENT, { psi: 0.25, ks: 0.2 })).toMatchObject({
			flagged: true,
			ks: 0.75,
			reference_n: 4,
			recent_n: 4,
		});
		expect(driftReport(REFERENCE, REFERENCE, { psi: 0.25, ks: 0.2 }).flagged).toBe(false);
		expect(driftReport(REFERENCE, emptyHistogram(), { psi: 0.25, ks: 0.2 })).toMatchObject({
			flagged: false,
			psi: null,
		});
	});
});
