/**
 * First-passage outcomes: which way a card's price moved first after a day. A BUY is right when,
 * within the horizon, the price reaches +move before it reaches -move; a SELL the other way
 * round. Pure: one card's observed prices in, one outcome per day out.
 */
import { addDays } from "./dates";

/** How a day's price moved first within the horizon. */
export type Outcome = "up" | "down" | "none";

/** The horizon and the move that decides it. */
export type Horizon = { days: number; move: number };

/**
 * The first-passage outcome of day `index` as of `asOf`: `up` (or `down`) when a later price
 * within `horizon.days` calendar days reached +move (or -move) first; `none` when neither did
 * and the whole horizon lies on or before `asOf`; null while it is still open (the price may
 * yet move). Only prices dated on or before `asOf` are read, so the answer is point in time.
 */
export function outcomeAt(
	dates: readonly string[],
	prices: readonly number[],
	index: number,
	horizon: Horizon,
	asOf: string,
): Outcome | null {
	return firstPassage(dates, prices, index, horizon, asOf)?.outcome ?? null;
}

/**
 * The outcome of day `index` with the day it was decided on: the day the price first reached
 * a move, or the horizon's end for `none`; null while open (see `outcomeAt`).
 */
export function firstPassage(
	dates: readonly string[],
	prices: readonly number[],
	index: number,
	horizon: Horizon,
	asOf: string,
): { outcome: Outcome; date: string } | null {
	const price = prices[index] as number;
	const end = addDays(dates[index] as string, horizon.days);
	// A move of exactly `move` counts: 100 * 1.1 is 110.00000000000001 in floating point.
	const slack = price * 1e-9;
	const up = price * (1 + horizon.move) - slack;
	const down = price * (1 - horizon.move) + slack;
	for (let k = index + 1; k < dates.length; k++) {
		const date = dates[k] as string;
		if (date > end || date > asOf) break;
		const p = prices[k] as number;
		if (p >= up) return { outcome: "up", date };
		if (p <= down) return { outcome: "down", date };
	}
	return end <= asOf ? { outcome: "none", date: end } : null;
}

/** Every day's outcome as of `asOf` (see `outcomeAt`). */
export function outcomes(
	dates: readonly string[],
	prices: readonly number[],
	horizon: Horizon,
	asOf: string,
): (Outcome | null)[] {
	return dates.map((_, i) => outcomeAt(dates, prices, i, horizon, asOf));
}

/** Outcomes as numbers for the feature table: 1 up, -1 down, 0 none, null open. */
export const outcomeCode = (o: Outcome | null): number | null =>
	o === null ? null : o === "up" ? 1 : o === "down" ? -1 : 0;

/** The outcome a stored code names. */
export const outcomeOfCode = (code: number | null): Outcome | null =>
	code === null ? null : code > 0 ? "up" : code < 0 ? "down" : "none";
