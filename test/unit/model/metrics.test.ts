import { describe, expect, it } from "vitest";
import type { Tally } from "../../../src/model/backtest";
import { chooseBest, gate, type Metrics, metricsOf, objective } from "../../../src/model/metrics";

const tally = (overrides: Partial<Tally> = {}): Tally => ({
	points: 100,
	covered: 100,
	errors: 100,
	sum_ape: 5,
	sum_se: 100,
	buy: 10,
	sell: 10,
	hold: 80,
	labelled: 100,
	up: 30,
	down: 20,
	buy_labelled: 10,
	buy_hits: 6,
	sell_labelled: 10,
	sell_hits: 3,
	transitions: 90,
	flips: 9,
	...overrides,
});

const metrics = (overrides: Partial<Metrics> = {}): Metrics => ({ ...metricsOf(tally(), 0.05), ...overrides });

describe("objective", () => {
	it("is the alerts' hit rate minus what random alerts on each side would have hit", () => {
		// 9 hits in 20 alerts; random: 10 * 0.3 + 10 * 0.2 = 5.
		expect(objective(tally(), 0.05)).toBeCloseTo((9 - 5) / 20, 12);
	});

	it("is null for a model that (almost) never speaks", () => {
		expect(objective(tally({ buy: 1, sell: 0, hold: 99 }), 0.05)).toBeNull();
		expect(objective(tally({ buy_labelled: 0, sell_labelled: 0, buy_hits: 0, sell_hits: 0 }), 0.05)).toBeNull();
	});
});

describe("chooseBest", () => {
	it("takes the highest score, then the lower MAPE, then the id", () => {
		expect(
			chooseBest([
				{ id: "b", metrics: metrics({ score: 0.2, mape: 0.05 }) },
				{ id: "a", metrics: metrics({ score: 0.3, mape: 0.09 }) },
				{ id: "c", metrics: metrics({ score: null, mape: 0.01 }) },
			]),
		).toBe("a");
		expect(
			chooseBest([
				{ id: "b", metrics: metrics({ score: 0.2, mape: 0.05 }) },
				{ id: "a", metrics: metrics({ score: 0.2, mape: 0.05 }) },
				{ id: "d", metrics: metrics({ score: 0.2, mape: 0.04 }) },
			]),
		).toBe("d");
		expect(
			chooseBest([
				{ id: "a", metrics: metrics({ score: 0.2 }) },
				{ id: "b", metrics: metrics({ score: 0.2 }) },
			]),
		).toBe("a");
	});

	it("chooses nothing when no candidate is eligible", () => {
		expect(chooseBest([{ id: "a", metrics: metrics({ score: null }) }])).toBeNull();
	});
});

describe("gate", () => {
	const limits = { maxMape: 0.15, minCoverage: 0.9, force: false };

	it("passes a candidate within MAPE and coverage when there is no champion", () => {
		expect(gate(metrics({ mape: 0.15, coverage: 0.9 }), null, limits)).toMatchObject({ passed: true });
	});

	it("fails on MAPE above or coverage below the limits, naming the check", () => {
		const high = gate(metrics({ mape: 0.16 }), null, limits);
		expect(high.passed).toBe(false);
		expect(high.checks.find((c) => !c.passed)?.name).toBe("mape");
		const low = gate(metrics({ coverage: 0.89 }), null, limits);
		expect(low.checks.find((c) => !c.passed)?.name).toBe("coverage");
	});

	it("fails a candidate worse than the champion on the same window, unless forced", () => {
		const worse = gate(metrics({ score: 0.1 }), metrics({ score: 0.2 }), limits);
		expect(worse.passed).toBe(false);
		expect(worse.checks.find((c) => c.name === "vs_champion")?.passed).toBe(false);
		expect(gate(metrics({ score: 0.1 }), metrics({ score: 0.2 }), { ...limits, force: true }).passed).toBe(true);
		expect(gate(metrics({ score: 0.2 }), metrics({ score: 0.2 }), limits).passed).toBe(true);
	});

	it("counts an ineligible candidate as worse than an eligible champion, and better than an ineligible one", () => {
		expect(gate(metrics({ score: null }), metrics({ score: -0.1 }), limits).passed).toBe(false);
		expect(gate(metrics({ score: 0.01 }), metrics({ score: null }), limits).passed).toBe(true);
	});

	it("compares MAPE when neither speaks enough to be scored", () => {
		expect(gate(metrics({ score: null, mape: 0.05 }), metrics({ score: null, mape: 0.04 }), limits).passed).toBe(false);
		expect(gate(metrics({ score: null, mape: 0.04 }), metrics({ score: null, mape: 0.05 }), limits).passed).toBe(true);
	});
});
