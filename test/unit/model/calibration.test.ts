import { describe, expect, it } from "vitest";
import { calibrate, fitCalibration, IDENTITY } from "../../../src/model/calibration";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Raw scores on a grid over [-3, 3], each repeated `copies` times, with round(copies * p) of
 * the copies a 1, where p = sigmoid(a * score + b): outcomes a Platt map (a, b) generated.
 */
function synthetic(a: number, b: number, copies = 200) {
	const scores: number[] = [];
	const y: number[] = [];
	for (let k = 0; k <= 60; k++) {
		const s = -3 + k / 10;
		const ones = Math.round(copies * sigmoid(a * s + b));
		for (let c = 0; c < copies; c++) {
			scores.push(s);
			y.push(c < ones ? 1 : 0);
		}
	}
	return { scores, y };
}

describe("calibrate", () => {
	it("maps a raw score to sigmoid(a * score + b)", () => {
		expect(calibrate(IDENTITY, 0)).toBe(0.5);
		expect(calibrate(IDENTITY, Math.log(3))).toBeCloseTo(0.75, 12);
		// 2 ln 3 -> 9 / 10; 2 * 0 - ln 4 -> 1 / 5.
		expect(calibrate({ a: 2, b: 0 }, Math.log(3))).toBeCloseTo(0.9, 12);
		expect(calibrate({ a: 2, b: -Math.log(4) }, 0)).toBeCloseTo(0.2, 12);
	});

	it("saturates instead of overflowing", () => {
		expect(calibrate({ a: 1e6, b: 0 }, 1)).toBeCloseTo(1, 12);
		expect(calibrate({ a: 1e6, b: 0 }, -1)).toBeGreaterThan(0);
	});
});

describe("fitCalibration", () => {
	it("is the identity with fewer than 20 points", () => {
		const scores = Array.from({ length: 19 }, (_, i) => i - 9);
		expect(
			fitCalibration(
				scores,
				scores.map((s) => (s > 0 ? 1 : 0)),
			),
		).toBe(IDENTITY);
		expect(IDENTITY).toEqual({ a: 1, b: 0 });
	});

	it("recovers the map that generated the outcomes", () => {
		const { scores, y } = synthetic(2, -0.5);
		const c = fitCalibration(scores, y);
		expect(c.a).toBeCloseTo(2, 1);
		expect(c.b).toBeCloseTo(-0.5, 1);
	});

	it("shrinks overconfident scores (a < 1) and corrects a bias (b)", () => {
		const { scores, y } = synthetic(0.5, 0.8);
		const c = fitCalibration(scores, y);
		expect(c.a).toBeCloseTo(0.5, 1);
		expect(c.b).toBeCloseTo(0.8, 1);
	});

	it("stays near the identity when the scores are already calibrated", () => {
		const { scores, y } = synthetic(1, 0);
		const c = fitCalibration(scores, y);
		expect(Math.abs(c.a - 1)).toBeLessThan(0.05);
		expect(Math.abs(c.b)).toBeLessThan(0.05);
	});

	it("stays finite on separable outcomes, held back by the ridge", () => {
		const scores = [...Array(10).fill(-1), ...Array(10).fill(1)];
		const y = [...Array(10).fill(0), ...Array(10).fill(1)];
		const c = fitCalibration(scores, y);
		expect(Number.isFinite(c.a)).toBe(true);
		expect(c.a).toBeGreaterThan(1);
		expect(c.b).toBeCloseTo(0, 9);
		// A stronger ridge pulls a closer to 1.
		expect(fitCalibration(scores, y, 100).a).toBeLessThan(c.a);
	});
});
