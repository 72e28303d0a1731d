/**
 * Gradient-boosted decision trees for a binary target (log loss), written as pure functions.
 * Features are cut into quantile bins once; each tree grows level by level from per-bin sums of
 * gradients and hessians (the smaller child is summed, its sibling is the parent minus it), so
 * a round costs one pass over the rows per level. A missing value (NaN) always goes left. The
 * fitted model is plain JSON: thresholds on raw feature values, leaf scores, a base score.
 */

/** How a model is fitted. */
export type GbtParams = {
	rounds: number;
	depth: number;
	learning_rate: number;
	/** Fewest rows a leaf may hold. */
	min_leaf: number;
	/** L2 penalty on leaf scores. */
	l2: number;
	/** Quantile bins per feature (at most 255). */
	bins: number;
};

/** The defaults chosen by the backtest (MODEL.md). */
export const GBT_DEFAULTS: GbtParams = { rounds: 100, depth: 3, learning_rate: 0.1, min_leaf: 50, l2: 1, bins: 64 };

/**
 * One tree as parallel node arrays. Node i is a leaf when `feature[i]` is -1 (score `value[i]`);
 * otherwise a row goes to `left[i]` when its feature is NaN or below `threshold[i]` (a null
 * threshold sends only NaN left), else to `right[i]`.
 */
export type Tree = {
	feature: number[];
	threshold: (number | null)[];
	left: number[];
	right: number[];
	value: number[];
	/** The loss reduction of each split (0 at leaves): what the model learned most from. */
	gain: number[];
};

/** A fitted model: the log-odds of the base rate plus each tree's score times the learning rate. */
export type Gbt = { base: number; learning_rate: number; trees: Tree[] };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, z))));

/** Linear-interpolated quantile of sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.min(sorted.length - 1, lo + 1);
	return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** The distinct interior quantile cut points of a column's non-missing values (`bins - 1` at most). */
export function binEdges(column: ArrayLike<number>, bins: number): number[] {
	const values: number[] = [];
	for (let i = 0; i < column.length; i++) {
		const v = column[i] as number;
		if (!Number.isNaN(v)) values.push(v);
	}
	if (values.length === 0) return [];
	const sorted = Float64Array.from(values).sort();
	const edges: number[] = [];
	for (let k = 1; k < bins; k++) {
		const e = Math.fround(quantileSorted(sorted, k / bins));
		if (edges.length === 0 || e > (edges.at(-1) as number)) edges.push(e);
	}
	return edges;
}

/** The bin of a value: 0 for NaN, else 1 + the number of edges at or below it. */
export function binOf(edges: readonly number[], v: number): number {
	if (Number.isNaN(v)) return 0;
	let lo = 0;
	let hi = edges.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((edges[mid] as number) <= v) lo = mid + 1;
		else hi = mid;
	}
	return lo + 1;
}

/** A model's score (log-odds) for one row of features. */
export function scoreGbt(model: Gbt, row: ArrayLike<number>): number {
	let z = model.base;
	for (const t of model.trees) {
		let i = 0;
		while ((t.feature[i] as number) >= 0) {
			const x = row[t.feature[i] as number] as number;
			const thr = t.threshold[i] as number | null;
			i = Number.isNaN(x) || (thr !== null && x < thr) ? (t.left[i] as number) : (t.right[i] as number);
		}
		z += model.learning_rate * (t.value[i] as number);
	}
	return z;
}

/** A model's probability for one row of features. */
export const predictGbt = (model: Gbt, row: ArrayLike<number>) => sigmoid(scoreGbt(model, row));

type Split = { gain: number; feature: number; bin: number };

/**
 * The feature columns of a fit: an array of them, or anything that hands out column `f` on
 * request (`at`), so a caller can build each column just before it is binned and let it go.
 */
export type Columns = { readonly length: number; at(f: number): ArrayLike<number> | undefined };

/**
 * Fits a model to `columns` (one per feature, equal lengths) and 0/1 targets `y`. Each column is
 * binned as soon as it is read (the fit keeps one byte per value). The same inputs always give
 * the same model.
 */
export function fitGbt(columns: Columns, y: ArrayLike<number>, params: GbtParams): Gbt {
	const n = y.length;
	const p = columns.length;
	const nb = params.bins + 1;
	const edges: number[][] = [];
	const binned: Uint8Array[] = [];
	for (let f = 0; f < p; f++) {
		const c = columns.at(f) as ArrayLike<number>;
		const e = binEdges(c, params.bins);
		const out = new Uint8Array(n);
		for (let i = 0; i < n; i++) out[i] = binOf(e, c[i] as number);
		edges.push(e);
		binned.push(out);
	}
	let positives = 0;
	for (let i = 0; i < n; i++) positives += y[i] as number;
	const p0 = Math.min(1 - 1e-4, Math.max(1e-4, n > 0 ? positives / n : 0.5));
	const base = Math.log(p0 / (1 - p0));
	const score = new Float64Array(n).fill(base);
	const g = new Float64Array(n);
	const h = new Float64Array(n);
	const trees: Tree[] = [];
	for (let round = 0; round < params.rounds && n > 0; round++) {
		for (let i = 0; i < n; i++) {
			const q = sigmoid(score[i] as number);
			g[i] = q - (y[i] as number);
			h[i] = q * (1 - q);
		}
		const { tree, leafOf } = growTree(binned, edges, g, h, params, nb, p);
		trees.push(tree);
		for (let i = 0; i < n; i++)
			score[i] = (score[i] as number) + params.learning_rate * (tree.value[leafOf[i] as number] as number);
	}
	return { base, learning_rate: params.learning_rate, trees };
}

/** Per-bin sums of g, h and counts for the rows of `rows`, for every feature. */
function histogram(binned: readonly Uint8Array[], g: Float64Array, h: Float64Array, rows: Int32Array, nb: number) {
	const p = binned.length;
	const G = new Float64Array(p * nb);
	const H = new Float64Array(p * nb);
	const C = new Float64Array(p * nb);
	for (let f = 0; f < p; f++) {
		const col = binned[f] as Uint8Array;
		const off = f * nb;
		for (let k = 0; k < rows.length; k++) {
			const i = rows[k] as number;
			const idx = off + (col[i] as number);
			G[idx] = (G[idx] as number) + (g[i] as number);
			H[idx] = (H[idx] as number) + (h[i] as number);
			C[idx] = (C[idx] as number) + 1;
		}
	}
	return { G, H, C };
}

type Hist = ReturnType<typeof histogram>;

function bestSplit(hist: Hist, p: number, nb: number, count: number, params: GbtParams): Split | null {
	let best: Split | null = null;
	// Totals are the same for every feature: take them from the first.
	let G = 0;
	let H = 0;
	for (let b = 0; b < nb; b++) {
		G += hist.G[b] as number;
		H += hist.H[b] as number;
	}
	const parent = (G * G) / (H + params.l2);
	for (let f = 0; f < p; f++) {
		let gl = 0;
		let hl = 0;
		let cl = 0;
		for (let b = 0; b < nb - 1; b++) {
			const idx = f * nb + b;
			gl += hist.G[idx] as number;
			hl += hist.H[idx] as number;
			cl += hist.C[idx] as number;
			if (cl < params.min_leaf || count - cl < params.min_leaf) continue;
			const gain = (gl * gl) / (hl + params.l2) + ((G - gl) * (G - gl)) / (H - hl + params.l2) - parent;
			if (gain > (best?.gain ?? 0)) best = { gain, feature: f, bin: b };
		}
	}
	return best;
}

function growTree(
	binned: readonly Uint8Array[],
	edges: readonly number[][],
	g: Float64Array,
	h: Float64Array,
	params: GbtParams,
	nb: number,
	p: number,
): { tree: Tree; leafOf: Int32Array } {
	const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [], gain: [] };
	const leafOf = new Int32Array(g.length);
	const all = new Int32Array(g.length);
	for (let i = 0; i < all.length; i++) all[i] = i;
	const grow = (rows: Int32Array, hist: Hist, depth: number): number => {
		const id = tree.feature.length;
		let G = 0;
		let H = 0;
		for (let b = 0; b < nb; b++) {
			G += hist.G[b] as number;
			H += hist.H[b] as number;
		}
		tree.feature.push(-1);
		tree.threshold.push(null);
		tree.left.push(-1);
		tree.right.push(-1);
		tree.value.push(-G / (H + params.l2));
		tree.gain.push(0);
		const split =
			depth >= params.depth || rows.length < 2 * params.min_leaf ? null : bestSplit(hist, p, nb, rows.length, params);
		if (!split) {
			for (let k = 0; k < rows.length; k++) leafOf[rows[k] as number] = id;
			return id;
		}
		const col = binned[split.feature] as Uint8Array;
		let nl = 0;
		for (let k = 0; k < rows.length; k++) if ((col[rows[k] as number] as number) <= split.bin) nl++;
		const leftRows = new Int32Array(nl);
		const rightRows = new Int32Array(rows.length - nl);
		let a = 0;
		let c = 0;
		for (let k = 0; k < rows.length; k++) {
			const i = rows[k] as number;
			if ((col[i] as number) <= split.bin) leftRows[a++] = i;
			else rightRows[c++] = i;
		}
		// Sum the smaller child; the other is the parent's sums minus it.
		const smallIsLeft = leftRows.length <= rightRows.length;
		const small = histogram(binned, g, h, smallIsLeft ? leftRows : rightRows, nb);
		const large: Hist = {
			G: hist.G.map((v, i) => v - (small.G[i] as number)),
			H: hist.H.map((v, i) => v - (small.H[i] as number)),
			C: hist.C.map((v, i) => v - (small.C[i] as number)),
		};
		tree.feature[id] = split.feature;
		tree.gain[id] = split.gain;
		tree.threshold[id] = split.bin === 0 ? null : ((edges[split.feature] as number[])[split.bin - 1] as number);
		tree.left[id] = grow(leftRows, smallIsLeft ? small : large, depth + 1);
		tree.right[id] = grow(rightRows, smallIsLeft ? large : small, depth + 1);
		return id;
	};
	grow(all, histogram(binned, g, h, all, nb), 0);
	return { tree, leafOf };
}

/** Each feature's total loss reduction over every split of every tree, largest first (the model's "largest splits"). */
export function featureGains(
	model: Gbt,
	names: readonly string[],
): { feature: string; gain: number; splits: number }[] {
	const totals = new Map<string, { gain: number; splits: number }>();
	for (const t of model.trees)
		t.feature.forEach((f, i) => {
			if (f < 0) return;
			const name = names[f] as string;
			const cell = totals.get(name) ?? { gain: 0, splits: 0 };
			cell.gain += t.gain[i] ?? 0;
			cell.splits++;
			totals.set(name, cell);
		});
	return [...totals.entries()].map(([feature, c]) => ({ feature, ...c })).sort((a, b) => b.gain - a.gain);
}
