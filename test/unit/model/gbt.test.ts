import { describe, expect, it } from "vitest";
import {
	binEdges,
	binOf,
	featureGains,
	fitGbt,
	GBT_DEFAULTS,
	type Gbt,
	type GbtParams,
	predictGbt,
	scoreGbt,
	type Tree,
} from "../../../src/model/gbt";

const PARAMS: GbtParams = { rounds: 40, depth: 2, learning_rate: 0.3, min_leaf: 5, l2: 1, bins: 16 };

/** x = 0, 0.01, ..., 0.99; y = 1 from `cut` on. */
const ramp = (cut: number) => {
	const x = Float64Array.from({ length: 100 }, (_, i) => i / 100);
	const y = Uint8Array.from(x, (v) => (v < cut ? 0 : 1));
	return { x, y };
};

/** The leaf each row of `columns` reaches in `tree`. */
function leafOf(tree: Tree, row: number[]): number {
	let i = 0;
	while ((tree.feature[i] as number) >= 0) {
		const x = row[tree.feature[i] as number] as number;
		const thr = tree.threshold[i] as number | null;
		i = Number.isNaN(x) || (thr !== null && x < thr) ? (tree.left[i] as number) : (tree.right[i] as number);
	}
	return i;
}

describe("binEdges", () => {
	it("cuts at the interior quantiles, interpolating between sorted values", () => {
		// 1..10 at 1/4, 2/4, 3/4: positions 2.25, 4.5, 6.75 -> 3.25, 5.5, 7.75.
		expect(binEdges([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 4)).toEqual([3.25, 5.5, 7.75]);
	});

	it("ignores NaN, keeps only distinct edges, and has none for an all-missing column", () => {
		expect(binEdges([Number.NaN, 1, 2, 3, Number.NaN, 4, 5], 2)).toEqual([3]);
		expect(binEdges([0, 0, 0, 0, 1], 4)).toEqual([0]);
		expect(binEdges([Number.NaN, Number.NaN], 4)).toEqual([]);
		expect(binEdges([], 4)).toEqual([]);
	});

	it("stores edges as float32 values", () => {
		const [edge] = binEdges([0, 0.1], 2);
		expect(edge).toBe(Math.fround(0.05));
	});
});

describe("binOf", () => {
	const edges = [3.25, 5.5, 7.75];

	it("is 0 for NaN, else 1 + the number of edges at or below the value", () => {
		expect(binOf(edges, Number.NaN)).toBe(0);
		expect(binOf(edges, -100)).toBe(1);
		expect(binOf(edges, 3.2)).toBe(1);
		expect(binOf(edges, 3.25)).toBe(2);
		expect(binOf(edges, 5.49)).toBe(2);
		expect(binOf(edges, 7.75)).toBe(4);
		expect(binOf(edges, 1e9)).toBe(4);
		expect(binOf([], 5)).toBe(1);
	});

	it("agrees with thresholds on raw values: bin <= k exactly when x < edges[k - 1]", () => {
		const values = [-1, 0, 3.25, 3.3, 5.5, 6, 7.75, 8, 100, Math.fround(5.5) - 1e-9];
		for (const x of values)
			for (let k = 1; k <= edges.length; k++)
				expect(binOf(edges, x) <= k, `x=${x} k=${k}`).toBe(x < (edges[k - 1] as number));
	});
});

describe("scoreGbt and predictGbt", () => {
	// One split: x0 < 5 (or NaN) -> -2, else 3; then a tree whose null threshold sends only NaN left.
	const model: Gbt = {
		base: 0.5,
		learning_rate: 0.5,
		trees: [
			{
				feature: [0, -1, -1],
				threshold: [5, null, null],
				left: [1, -1, -1],
				right: [2, -1, -1],
				value: [0, -2, 3],
				gain: [1, 0, 0],
			},
			{
				feature: [1, -1, -1],
				threshold: [null, null, null],
				left: [1, -1, -1],
				right: [2, -1, -1],
				value: [0, 1, 0],
				gain: [1, 0, 0],
			},
		],
	};

	it("adds the base and each tree's leaf times the learning rate", () => {
		expect(scoreGbt(model, [4, 0])).toBe(0.5 - 1);
		expect(scoreGbt(model, [5, 0])).toBe(0.5 + 1.5);
		expect(scoreGbt(model, [6, -1000])).toBe(0.5 + 1.5);
	});

	it("sends NaN left, at a threshold and at a null one", () => {
		expect(scoreGbt(model, [Number.NaN, 0])).toBe(0.5 - 1);
		expect(scoreGbt(model, [6, Number.NaN])).toBe(0.5 + 1.5 + 0.5);
	});

	it("predicts the sigmoid of the score", () => {
		expect(predictGbt(model, [5, 0])).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
		expect(predictGbt({ base: 0, learning_rate: 1, trees: [] }, [1])).toBe(0.5);
	});
});

describe("fitGbt", () => {
	it("finds a clean threshold split: x < 0.5 is 0, else 1", () => {
		const { x, y } = ramp(0.5);
		// A second, uninformative feature: alternating 0 and 1 in both halves.
		const noise = Float64Array.from(x, (_, i) => i % 2);
		const model = fitGbt([x, noise], y, PARAMS);
		const root = model.trees[0] as Tree;
		expect(root.feature[0]).toBe(0);
		// The edge between 0.49 and 0.5 (the median, 0.495, as float32).
		expect(root.threshold[0]).toBe(Math.fround(0.495));
		expect(predictGbt(model, [0.1, 0])).toBeLessThan(0.05);
		expect(predictGbt(model, [0.49, 1])).toBeLessThan(0.05);
		expect(predictGbt(model, [0.5, 0])).toBeGreaterThan(0.95);
		expect(predictGbt(model, [0.9, 1])).toBeGreaterThan(0.95);
	});

	it("starts from the log-odds of the base rate", () => {
		const { x, y } = ramp(0.75);
		expect(fitGbt([x], y, { ...PARAMS, rounds: 0 })).toEqual({
			base: Math.log(0.25 / 0.75),
			learning_rate: 0.3,
			trees: [],
		});
	});

	it("learns that a missing value means 0 when the missing rows are the zeros: NaN goes left", () => {
		const x = Float64Array.from({ length: 100 }, (_, i) => (i < 50 ? Number.NaN : i));
		const y = Uint8Array.from(x, (v) => (Number.isNaN(v) ? 0 : 1));
		const model = fitGbt([x], y, PARAMS);
		// The split is between missing and every value: a null threshold.
		expect((model.trees[0] as Tree).threshold[0]).toBeNull();
		expect(predictGbt(model, [Number.NaN])).toBeLessThan(0.05);
		expect(predictGbt(model, [-1e6])).toBeGreaterThan(0.95);
		expect(predictGbt(model, [75])).toBeGreaterThan(0.95);
	});

	it("gives the same model for the same inputs, as plain JSON", () => {
		const { x, y } = ramp(0.3);
		const other = Float64Array.from(x, (_, i) => ((i * 37) % 100) / 100);
		const a = fitGbt([x, other], y, PARAMS);
		const b = fitGbt([Float64Array.from(x), Float64Array.from(other)], Uint8Array.from(y), PARAMS);
		expect(b).toEqual(a);
		expect(JSON.parse(JSON.stringify(a))).toEqual(a);
	});

	it("never makes a leaf with fewer than min_leaf training rows", () => {
		// The clean cut at 0.2 would leave 20 rows on one side; min_leaf 30 forbids it.
		const { x, y } = ramp(0.2);
		const min_leaf = 30;
		const model = fitGbt([x], y, { ...PARAMS, depth: 3, min_leaf });
		for (const tree of model.trees) {
			const counts = new Map<number, number>();
			for (const v of x) {
				const leaf = leafOf(tree, [v]);
				counts.set(leaf, (counts.get(leaf) ?? 0) + 1);
			}
			for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(min_leaf);
		}
		expect((model.trees[0] as Tree).threshold[0]).toBeGreaterThanOrEqual(0.295);
	});

	it("does not split a node with fewer than twice min_leaf rows", () => {
		const { x, y } = ramp(0.5);
		const model = fitGbt([x], y, { ...PARAMS, min_leaf: 51 });
		for (const tree of model.trees) expect(tree.feature).toEqual([-1]);
		expect(predictGbt(model, [0])).toBeCloseTo(predictGbt(model, [1]), 12);
	});

	it("grows no deeper than the depth", () => {
		const { x, y } = ramp(0.5);
		const other = Float64Array.from(x, (_, i) => ((i * 37) % 100) / 100);
		const depthOf = (t: Tree, i = 0): number =>
			(t.feature[i] as number) < 0
				? 0
				: 1 + Math.max(depthOf(t, t.left[i] as number), depthOf(t, t.right[i] as number));
		for (const tree of fitGbt([x, other], y, { ...PARAMS, depth: 2 }).trees)
			expect(depthOf(tree)).toBeLessThanOrEqual(2);
	});

	it("fits nothing on no rows", () => {
		expect(fitGbt([[]], [], PARAMS)).toEqual({ base: 0, learning_rate: 0.3, trees: [] });
	});

	it("has the documented defaults", () => {
		expect(GBT_DEFAULTS).toEqual({ rounds: 100, depth: 3, learning_rate: 0.1, min_leaf: 50, l2: 1, bins: 64 });
	});
});

describe("featureGains", () => {
	it("sums each feature's split gains and counts its splits, largest first", () => {
		const leafTree = (feature: number, gain: number): Tree => ({
			feature: [feature, -1, -1],
			threshold: [1, null, null],
			left: [1, -1, -1],
			right: [2, -1, -1],
			value: [0, -1, 1],
			gain: [gain, 0, 0],
		});
		const model: Gbt = { base: 0, learning_rate: 0.1, trees: [leafTree(0, 2), leafTree(1, 3), leafTree(0, 1.5)] };
		expect(featureGains(model, ["r1", "r7"])).toEqual([
			{ feature: "r1", gain: 3.5, splits: 2 },
			{ feature: "r7", gain: 3, splits: 1 },
		]);
		expect(featureGains({ base: 0, learning_rate: 0.1, trees: [] }, ["r1"])).toEqual([]);
	});
});
