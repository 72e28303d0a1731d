import { describe, expect, it } from "vitest";
import { fitCalibration, IDENTITY } from "../../../src/model/calibration";
import { allocateTable, FEATURES, type FeatureTable } from "../../../src/model/feature-table";
import {
	answerOf,
	CALIBRATION_SHARE,
	decide,
	type Forecaster,
	fitCalibrated,
	fitPair,
	forecast,
	leafSize,
	MIN_FIT_DECIDED,
	type Policy,
	predictPair,
	shareOf,
} from "../../../src/model/forecaster";
import type { Gbt, GbtParams } from "../../../src/model/gbt";

const PARAMS: GbtParams = { rounds: 20, depth: 2, learning_rate: 0.3, min_leaf: 50, l2: 1, bins: 16 };
const R1 = FEATURES.indexOf("r1");
const MOVES7 = FEATURES.indexOf("moves7");

/** A model with no trees: a constant probability. */
const constant = (p: number): Gbt => ({ base: Math.log(p / (1 - p)), learning_rate: 1, trees: [] });

const POLICY: Policy = { buy_delta: 0.25, sell_delta: 0.25, min_move: 0.2 };
const LIMITS = { min_price: 1, move_size: 0.1, horizon_days: 14 };

const MODEL: Forecaster = {
	format: 2,
	kind: "learned",
	features: [...FEATURES],
	direction: constant(0.75),
	move: constant(0.5),
	calibration: IDENTITY,
	policy: { buy_delta: 0.2, sell_delta: 0.2, min_move: 0.3 },
	base_up: 0.5,
	horizon_days: 14,
	move_size: 0.1,
	min_price: 1,
	trained_through: "2026-01-01",
	rows: 0,
	decided: 0,
};

/** Deterministic uniforms in [0, 1) (mulberry32). */
function uniforms(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
	};
}

/** A table of `outcomes` (1, -1, 0) with the given r1 and moves7 per row and card ids. */
function tableOf(rows: { outcome: number; r1: number; moves7: number; card: string }[]): FeatureTable {
	const t = allocateTable(rows.length, 0);
	rows.forEach((r, i) => {
		t.card_id[i] = r.card;
		t.set_name[i] = "s";
		t.date[i] = "2026-01-01";
		t.price[i] = 10;
		t.outcome[i] = r.outcome;
		t.later[i] = 10;
		(t.x[R1] as Float32Array)[i] = r.r1;
		(t.x[MOVES7] as Float32Array)[i] = r.moves7;
	});
	return t;
}

/** 150 up rows with r1 > 0, 150 down rows with r1 < 0, 100 rows that never moved (moves7 0). */
const CLEAN = tableOf(
	Array.from({ length: 400 }, (_, i) => ({
		outcome: i < 150 ? 1 : i < 300 ? -1 : 0,
		r1: i < 150 ? 0.5 + (i % 10) / 20 : i < 300 ? -0.5 - (i % 10) / 20 : 0,
		moves7: i < 300 ? 1 : 0,
		card: `c${i % 40}`,
	})),
);
const ALL = (t: FeatureTable) => Array.from({ length: t.date.length }, (_, i) => i);

describe("leafSize", () => {
	it("is a 200th of the rows, at least 10 and at most the ceiling", () => {
		expect(leafSize(6000, 50)).toBe(30);
		expect(leafSize(1000, 50)).toBe(10);
		expect(leafSize(20_000, 50)).toBe(50);
		// The floor of 10 wins over a lower ceiling.
		expect(leafSize(20_000, 5)).toBe(10);
	});
});

describe("decide", () => {
	it("is BUY from base + buy_delta up and SELL from base - sell_delta down, both ends included", () => {
		expect(decide(0.75, 0.5, 0.5, 10, POLICY, LIMITS)).toEqual({ signal: "BUY", code: "B", reason: null });
		expect(decide(0.25, 0.5, 0.5, 10, POLICY, LIMITS)).toEqual({ signal: "SELL", code: "S", reason: null });
		expect(decide(0.7499, 0.5, 0.5, 10, POLICY, LIMITS)).toMatchObject({ signal: "HOLD", code: "H" });
		expect(decide(0.2501, 0.5, 0.5, 10, POLICY, LIMITS)).toMatchObject({ signal: "HOLD", code: "H" });
	});

	it("needs q above 1/2 to BUY and below 1/2 to SELL, whatever the base rate", () => {
		// Base 0.2: q = 0.5 is 0.3 above it but not above 1/2. Base 0.8: 0.3 below it but not below 1/2.
		expect(decide(0.5, 0.2, 0.5, 10, POLICY, LIMITS).code).toBe("H");
		expect(decide(0.5, 0.8, 0.5, 10, POLICY, LIMITS).code).toBe("H");
		expect(decide(0.51, 0.2, 0.5, 10, POLICY, LIMITS).code).toBe("B");
		expect(decide(0.49, 0.8, 0.5, 10, POLICY, LIMITS).code).toBe("S");
	});

	it("holds a card too illiquid to judge (move probability under min_move), saying why", () => {
		expect(decide(0.9, 0.5, 0.1, 10, POLICY, LIMITS)).toEqual({
			signal: "HOLD",
			code: "I",
			reason: "too illiquid to judge: a 10% move within 14 days has a 10% chance (the model judges from 20%)",
		});
		expect(decide(0.9, 0.5, 0.2, 10, POLICY, LIMITS).code).toBe("B");
	});

	it("holds a card priced under the minimum before anything else", () => {
		expect(decide(0.9, 0.5, 0.1, 0.99, POLICY, LIMITS)).toEqual({
			signal: "HOLD",
			code: "C",
			reason: "priced under $1: a 10% move is only cents, too little to judge",
		});
		expect(decide(0.9, 0.5, 0.5, 1, POLICY, LIMITS).code).toBe("B");
	});
});

describe("answerOf", () => {
	it("splits the move probability by direction and expects the price to move by their difference", () => {
		const a = answerOf(0.8, 0.5, 0.5, 100, { ...LIMITS, policy: POLICY });
		expect(a.signal).toBe("BUY");
		expect(a.q_up).toBe(0.8);
		expect(a.p_up).toBeCloseTo(0.4, 12);
		expect(a.p_down).toBeCloseTo(0.1, 12);
		// 100 * (1 + 0.1 * (0.4 - 0.1)).
		expect(a.fair).toBeCloseTo(103, 10);
		const down = answerOf(0.1, 0.5, 1, 50, { ...LIMITS, policy: POLICY });
		expect(down).toMatchObject({ signal: "SELL", code: "S" });
		expect(down.fair).toBeCloseTo(50 * (1 + 0.1 * (0.1 - 0.9)), 10);
	});
});

describe("forecast", () => {
	it("calibrates the direction score, predicts the move and answers", () => {
		// q = 0.75 (>= 0.5 + 0.2), p_move = 0.5: p_up 0.375, p_down 0.125, fair 100 * (1 + 0.1 * 0.25).
		const a = forecast(MODEL, new Float32Array(FEATURES.length), 100);
		expect(a).toMatchObject({ signal: "BUY", code: "B", reason: null });
		expect(a.q_up).toBeCloseTo(0.75, 12);
		expect(a.p_up).toBeCloseTo(0.375, 12);
		expect(a.p_down).toBeCloseTo(0.125, 12);
		expect(a.fair).toBeCloseTo(102.5, 10);
	});

	it("applies the calibration to the raw score", () => {
		// Raw score ln 3; calibrated sigmoid(2 ln 3) = 0.9.
		const a = forecast({ ...MODEL, calibration: { a: 2, b: 0 } }, new Float32Array(FEATURES.length), 100);
		expect(a.q_up).toBeCloseTo(0.9, 12);
		expect(a.fair).toBeCloseTo(104, 10);
	});

	it("answers the policy's HOLDs: illiquid and cheap", () => {
		const x = new Float32Array(FEATURES.length);
		expect(forecast({ ...MODEL, move: constant(0.2) }, x, 100).code).toBe("I");
		expect(forecast(MODEL, x, 0.5).code).toBe("C");
	});
});

describe("shareOf", () => {
	it("is the 32-bit FNV-1a hash over 2^32", () => {
		expect(shareOf("")).toBe(0x811c9dc5 / 2 ** 32);
		expect(shareOf("a")).toBe(0xe40c292c / 2 ** 32);
		expect(shareOf("foobar")).toBe(0xbf9cf968 / 2 ** 32);
	});

	it("lies in [0, 1) and spreads ids evenly", () => {
		// Ids shaped like the catalogue's (set, number, name).
		const shares = Array.from({ length: 2000 }, (_, i) => shareOf(`sv${i % 12}-${i}-pokemon-${i % 97}`));
		for (const s of shares) expect(s >= 0 && s < 1).toBe(true);
		const held = shares.filter((s) => s < CALIBRATION_SHARE).length / shares.length;
		expect(held).toBeGreaterThan(0.17);
		expect(held).toBeLessThan(0.23);
	});
});

describe("fitPair and predictPair", () => {
	it("learns the direction from decided days and the move from every day", () => {
		const pair = fitPair(CLEAN, ALL(CLEAN), PARAMS);
		expect(pair).not.toBeNull();
		if (!pair) return;
		expect({ base_up: pair.base_up, rows: pair.rows, decided: pair.decided }).toEqual({
			base_up: 0.5,
			rows: 400,
			decided: 300,
		});
		const p = predictPair(pair, CLEAN, [0, 200, 350]);
		expect(Array.from(p.rows)).toEqual([0, 200, 350]);
		expect(p.base_up).toBe(0.5);
		// Raw direction scores: positive for the rising row, negative for the falling one.
		expect(p.direction[0]).toBeGreaterThan(1);
		expect(p.direction[1]).toBeLessThan(-1);
		// Move probabilities: high where prices moved, low where they never did.
		expect(p.move[0]).toBeGreaterThan(0.9);
		expect(p.move[2]).toBeLessThan(0.1);
	});

	it("fits only on the rows given", () => {
		// Without the never-moving rows, every row moved: the move model is sure of a move everywhere.
		const pair = fitPair(CLEAN, ALL(CLEAN).slice(0, 300), PARAMS);
		expect(pair?.rows).toBe(300);
		expect(predictPair(pair as NonNullable<typeof pair>, CLEAN, [350]).move[0]).toBeGreaterThan(0.99);
	});

	it("is null with fewer than MIN_FIT_DECIDED decided rows or only one direction", () => {
		expect(MIN_FIT_DECIDED).toBe(100);
		// 50 up + 49 down decided, however many undecided rows.
		const few = [...ALL(CLEAN).slice(100, 199), ...ALL(CLEAN).slice(300)];
		expect(fitPair(CLEAN, few, PARAMS)).toBeNull();
		expect(fitPair(CLEAN, [...few, 199], PARAMS)).not.toBeNull();
		expect(fitPair(CLEAN, ALL(CLEAN).slice(0, 150), PARAMS)).toBeNull();
	});
});

describe("fitCalibrated", () => {
	// Noisy direction: up with probability sigmoid(3 r1) on 85% of days, the rest never move.
	const u = uniforms(7);
	const NOISY = tableOf(
		Array.from({ length: 1000 }, (_, i) => {
			const r1 = u() * 2 - 1;
			const moved = u() < 0.85;
			return {
				outcome: moved ? (u() < 1 / (1 + Math.exp(-3 * r1)) ? 1 : -1) : 0,
				r1,
				moves7: moved ? 1 : 0,
				card: `card-${i % 50}`,
			};
		}),
	);
	const rows = ALL(NOISY);
	const heldOut = (i: number) => shareOf(NOISY.card_id[i] as string) < CALIBRATION_SHARE;

	it("serves the pair fitted on every row, calibrated on held-out cards by a pair fitted without them", () => {
		const result = fitCalibrated(NOISY, rows, PARAMS);
		expect(result).not.toBeNull();
		expect(result?.pair).toEqual(fitPair(NOISY, rows, PARAMS));
		const partial = fitPair(
			NOISY,
			rows.filter((i) => !heldOut(i)),
			PARAMS,
		);
		const decided = rows.filter((i) => heldOut(i) && NOISY.outcome[i] !== 0);
		expect(decided.length).toBeGreaterThan(20);
		const expected = fitCalibration(
			predictPair(partial as NonNullable<typeof partial>, NOISY, decided).direction,
			decided.map((i) => (NOISY.outcome[i] === 1 ? 1 : 0)),
		);
		expect(result?.calibration).toEqual(expected);
		expect(result?.calibration).not.toEqual(IDENTITY);
		expect(result?.calibration.a).toBeGreaterThan(0);
	});

	it("is the identity calibration when the cards left to fit on are too few", () => {
		const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
		const held = ids.filter((id) => shareOf(id) < CALIBRATION_SHARE);
		const kept = ids.filter((id) => shareOf(id) >= CALIBRATION_SHARE);
		// 120 decided rows, 60 of them on held-out cards: the partial fit has 60 < 100.
		const t = tableOf(
			Array.from({ length: 120 }, (_, i) => ({
				outcome: i % 2 === 0 ? 1 : -1,
				r1: i % 2 === 0 ? 1 : -1,
				moves7: 1,
				card: (i < 60 ? held[i % held.length] : kept[i % kept.length]) as string,
			})),
		);
		const result = fitCalibrated(t, ALL(t), PARAMS);
		expect(result?.calibration).toBe(IDENTITY);
		expect(result?.pair.decided).toBe(120);
	});

	it("is null when the pair cannot be fitted at all", () => {
		expect(fitCalibrated(CLEAN, ALL(CLEAN).slice(0, 150), PARAMS)).toBeNull();
	});
});
