/**
 * The learned model: two gradient-boosted tree models over the card-day features. `direction`
 * gives the probability that, if the price moves by HORIZON_MOVE within HORIZON_DAYS, it moves
 * up first (fitted on decided days only); `move` gives the probability that it moves by that
 * much at all. Together: p_up = p_move * q_up and p_down = p_move * (1 - q_up). The direction
 * score is calibrated (Platt) on held-out days, and the signal policy (how far from the base
 * rate q_up must be, how likely a move must be) is chosen on the selection window. Pure.
 */
import { type Calibration, calibrate, fitCalibration, IDENTITY } from "./calibration";
import { FEATURES, type FeatureTable } from "./feature-table";
import { type Columns, fitGbt, GBT_DEFAULTS, type Gbt, type GbtParams, predictGbt, scoreGbt } from "./gbt";
import type { Signal } from "./signal";

/** When the learned model says BUY or SELL. */
export type Policy = {
	/** BUY when q_up >= base_up + buy_delta (and q_up > 1/2); SELL when q_up <= base_up - sell_delta (and q_up < 1/2). */
	buy_delta: number;
	sell_delta: number;
	/** Below this probability of a move at all, a card is too illiquid to judge: HOLD. */
	min_move: number;
};

/** A fitted learned model, as stored in R2 (`models/<version>/model.json`). */
export type Forecaster = {
	format: 2;
	kind: "learned";
	features: string[];
	direction: Gbt;
	move: Gbt;
	calibration: Calibration;
	policy: Policy;
	/** The share of decided days that went up first among the rows the model was fitted on. */
	base_up: number;
	horizon_days: number;
	move_size: number;
	/** Cards priced under this are not judged (and were not fitted on). */
	min_price: number;
	/** The latest day whose outcome the fit saw (its label windows end by as-of). */
	trained_through: string;
	rows: number;
	decided: number;
};

/** The two fitted models and the base rate of the rows they saw. */
export type FittedPair = { direction: Gbt; move: Gbt; base_up: number; rows: number; decided: number };

/** Fewest decided rows a fit needs. */
export const MIN_FIT_DECIDED = 100;

/** The leaf size for `n` rows: a 200th of them, between 10 and the configured ceiling. */
export const leafSize = (n: number, ceiling: number) => Math.max(10, Math.min(ceiling, Math.round(n / 200)));

/** The features of some rows, one column built at a time as the fit asks for it. */
const columnsOf = (t: FeatureTable, rows: ArrayLike<number>): Columns => ({
	length: FEATURES.length,
	at: (f) => {
		const src = t.x[f] as Float32Array;
		const out = new Float32Array(rows.length);
		for (let k = 0; k < rows.length; k++) out[k] = src[rows[k] as number] as number;
		return out;
	},
});

/**
 * Fits both models on the table's rows at `rows` (their outcomes must be known: up, down or
 * none). Null when there are fewer than MIN_FIT_DECIDED decided rows or only one direction.
 */
export function fitPair(t: FeatureTable, rows: ArrayLike<number>, params: GbtParams = GBT_DEFAULTS): FittedPair | null {
	const decided: number[] = [];
	let ups = 0;
	for (let k = 0; k < rows.length; k++) {
		const o = t.outcome[rows[k] as number] as number;
		if (o === 1 || o === -1) {
			decided.push(rows[k] as number);
			if (o === 1) ups++;
		}
	}
	if (decided.length < MIN_FIT_DECIDED || ups === 0 || ups === decided.length) return null;
	const dirY = Uint8Array.from(decided, (i) => (t.outcome[i] === 1 ? 1 : 0));
	const direction = fitGbt(columnsOf(t, decided), dirY, {
		...params,
		min_leaf: leafSize(decided.length, params.min_leaf),
	});
	const moveY = Uint8Array.from({ length: rows.length }, (_, k) => (t.outcome[rows[k] as number] === 0 ? 0 : 1));
	const move = fitGbt(columnsOf(t, rows), moveY, { ...params, min_leaf: leafSize(rows.length, params.min_leaf) });
	return { direction, move, base_up: ups / decided.length, rows: rows.length, decided: decided.length };
}

/**
 * Held-out predictions of a pair for some rows: raw direction scores (log-odds), move
 * probabilities, and the base rate of the rows the pair was fitted on.
 */
export type Predictions = { rows: Int32Array; direction: Float64Array; move: Float64Array; base_up: number };

/** A pair's predictions for the table's rows at `rows`. */
export function predictPair(pair: FittedPair, t: FeatureTable, rows: ArrayLike<number>): Predictions {
	const x = new Float32Array(FEATURES.length);
	const out: Predictions = {
		rows: Int32Array.from(rows as ArrayLike<number>),
		direction: new Float64Array(rows.length),
		move: new Float64Array(rows.length),
		base_up: pair.base_up,
	};
	for (let k = 0; k < rows.length; k++) {
		const i = rows[k] as number;
		for (let f = 0; f < FEATURES.length; f++) x[f] = (t.x[f] as Float32Array)[i] as number;
		out.direction[k] = scoreGbt(pair.direction, x);
		out.move[k] = predictGbt(pair.move, x);
	}
	return out;
}

/** What the policy decides for one card-day, and why a HOLD is a HOLD. */
export function decide(
	q: number,
	baseUp: number,
	pMove: number,
	price: number,
	policy: Policy,
	limits: { min_price: number; move_size: number; horizon_days: number },
): { signal: Signal; code: "B" | "S" | "H" | "I" | "C"; reason: string | null } {
	if (price < limits.min_price)
		return {
			signal: "HOLD",
			code: "C",
			reason: `priced under $${limits.min_price}: a ${limits.move_size * 100}% move is only cents, too little to judge`,
		};
	if (pMove < policy.min_move)
		return {
			signal: "HOLD",
			code: "I",
			reason: `too illiquid to judge: a ${limits.move_size * 100}% move within ${limits.horizon_days} days has a ${pct(pMove)} chance (the model judges from ${pct(policy.min_move)})`,
		};
	if (q >= baseUp + policy.buy_delta && q > 0.5) return { signal: "BUY", code: "B", reason: null };
	if (q <= baseUp - policy.sell_delta && q < 0.5) return { signal: "SELL", code: "S", reason: null };
	return {
		signal: "HOLD",
		code: "H",
		reason: "no clear direction: the chance of rising first is close to the usual share",
	};
}

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** The learned model's answer for one card-day. */
export type ForecastAnswer = {
	signal: Signal;
	/** B, S, or why a HOLD: H no clear direction, I too illiquid, C priced under the minimum. */
	code: "B" | "S" | "H" | "I" | "C";
	reason: string | null;
	p_up: number;
	p_down: number;
	/** The calibrated probability that a move, if one comes, is up. */
	q_up: number;
	/** The expected price at the horizon: price * (1 + move * (p_up - p_down)). */
	fair: number;
};

/** Applies a fitted model to one card-day's features (FEATURES order) and price. */
export function forecast(model: Forecaster, x: ArrayLike<number>, price: number): ForecastAnswer {
	const q = calibrate(model.calibration, scoreGbt(model.direction, x));
	const pMove = predictGbt(model.move, x);
	return answerOf(q, model.base_up, pMove, price, model);
}

/** The answer for a calibrated direction probability and a move probability. */
export function answerOf(
	q: number,
	baseUp: number,
	pMove: number,
	price: number,
	model: Pick<Forecaster, "policy" | "min_price" | "move_size" | "horizon_days">,
): ForecastAnswer {
	const p_up = pMove * q;
	const p_down = pMove * (1 - q);
	const { signal, code, reason } = decide(q, baseUp, pMove, price, model.policy, model);
	return { signal, code, reason, p_up, p_down, q_up: q, fair: price * (1 + model.move_size * (p_up - p_down)) };
}

/** A stable share in [0, 1) of a string (FNV-1a): which cards the calibration holds out. */
export function shareOf(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h / 0x1_0000_0000;
}

/** The share of cards held out to calibrate the direction model. */
export const CALIBRATION_SHARE = 0.2;

/**
 * The served pair and its calibration: a pair fitted without a fifth of the cards predicts
 * those cards' known days, Platt scaling is fitted to what happened on them (same days, cards
 * it did not see: overconfidence shows, a change of regime does not), and the served pair is
 * then fitted on every card. The identity when the held-out cards are too few.
 */
export function fitCalibrated(
	t: FeatureTable,
	rows: readonly number[],
	params: GbtParams = GBT_DEFAULTS,
): { pair: FittedPair; calibration: Calibration } | null {
	const pair = fitPair(t, rows, params);
	if (!pair) return null;
	const heldOut = (i: number) => shareOf(t.card_id[i] as string) < CALIBRATION_SHARE;
	const partial = fitPair(
		t,
		rows.filter((i) => !heldOut(i)),
		params,
	);
	if (!partial) return { pair, calibration: IDENTITY };
	const decided = rows.filter((i) => heldOut(i) && (t.outcome[i] === 1 || t.outcome[i] === -1));
	const scores = predictPair(partial, t, decided).direction;
	return {
		pair,
		calibration: fitCalibration(
			scores,
			decided.map((i) => (t.outcome[i] === 1 ? 1 : 0)),
		),
	};
}
