import { describe, expect, it } from "vitest";
import { candidateGrid, estimatorsOf, evaluationWindows } from "../../../src/model/candidates";

const CONFIG = { FAIR_VALUE_WINDOW: 3, BUY_THRESHOLD: 0.1, SELL_THRESHOLD: 0.15 };

describe("candidateGrid", () => {
	const grid = candidateGrid(CONFIG);

	it("holds the original baseline with the configured thresholds, and leak-free estimators", () => {
		expect(grid[0]).toEqual({
			id: "trailing_mean_3/b0.1/s0.15",
			spec: { estimator: "trailing_mean", window: 3, buy_threshold: 0.1, sell_threshold: 0.15 },
		});
		expect(new Set(grid.map((c) => c.spec.estimator))).toEqual(
			new Set(["trailing_mean", "rolling_mean", "rolling_median", "ewm"]),
		);
		expect(new Set(grid.map((c) => c.id)).size).toBe(grid.length);
	});

	it("adds the champion's spec when it is not in the grid, and not twice when it is", () => {
		const extra = { estimator: "rolling_median", window: 30, buy_threshold: 0.2, sell_threshold: 0.2 } as const;
		expect(candidateGrid(CONFIG, [extra]).map((c) => c.id)).toContain("rolling_median_30/b0.2/s0.2");
		expect(candidateGrid(CONFIG, [grid[0]?.spec ?? extra])).toHaveLength(grid.length);
	});

	it("has one feature column per distinct estimator", () => {
		expect(estimatorsOf(grid)).toHaveLength(9);
	});
});

describe("evaluationWindows", () => {
	it("puts validation in the last days up to as-of and selection just before it", () => {
		expect(evaluationWindows("2026-08-22", 120, 60)).toEqual({
			selection: { after: "2026-02-23", through: "2026-06-23" },
			validation: { after: "2026-06-23", through: "2026-08-22" },
		});
	});
});
