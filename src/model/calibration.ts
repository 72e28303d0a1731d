/**
 * Platt scaling: maps a model's raw score (log-odds) to a calibrated probability
 * `sigmoid(a * score + b)`, with `a` and `b` fitted by Newton's method on held-out predictions
 * (a small ridge pulls them towards the identity, a = 1 and b = 0). Pure.
 */

/** The fitted map. */
export type Calibration = { a: number; b: number };

/** The identity map: the raw probability unchanged. */
export const IDENTITY: Calibration = { a: 1, b: 0 };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, z))));

/** The calibrated probability of a raw score. */
export const calibrate = (c: Calibration, score: number) => sigmoid(c.a * score + c.b);

/** Fits `a`, `b` to raw scores and 0/1 outcomes; the identity when there is too little to fit. */
export function fitCalibration(scores: ArrayLike<number>, y: ArrayLike<number>, ridge = 1): Calibration {
	const n = scores.length;
	if (n < 20) return IDENTITY;
	let a = 1;
	let b = 0;
	for (let iter = 0; iter < 50; iter++) {
		// Gradient and Hessian of the log loss plus ridge * ((a - 1)^2 + b^2) / 2.
		let ga = ridge * (a - 1);
		let gb = ridge * b;
		let haa = ridge;
		let hab = 0;
		let hbb = ridge;
		for (let i = 0; i < n; i++) {
			const s = scores[i] as number;
			const q = sigmoid(a * s + b);
			const r = q - (y[i] as number);
			const w = q * (1 - q);
			ga += r * s;
			gb += r;
			haa += w * s * s;
			hab += w * s;
			hbb += w;
		}
		const det = haa * hbb - hab * hab;
		if (!(det > 0)) break;
		const da = (hbb * ga - hab * gb) / det;
		const db = (haa * gb - hab * ga) / det;
		a -= da;
		b -= db;
		if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
	}
	return Number.isFinite(a) && Number.isFinite(b) ? { a, b } : IDENTITY;
}
