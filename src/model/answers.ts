/**
 * Every day's answer for one card under the serving model: a learned model's forecast, a rule's
 * signal, or always-HOLD; with the expected price at the horizon (`fair`), the probabilities
 * where the model has them, and a one-letter code saying why a HOLD is a HOLD, so a stored
 * history can say so later. Pure.
 */

import { type Forecaster, forecast } from "./forecaster";
import { type RuleSpec, ruleSeries } from "./rules";
import type { Signal } from "./signal";

/** The model answering: a fitted learned model, or a rule (always-HOLD is the rule `hold`). */
export type AnsweringModel = { kind: "learned"; model: Forecaster } | { kind: "rule"; rule: RuleSpec };

/**
 * Why an answer is what it is: B BUY, S SELL; HOLD because H no clear direction (or inside a
 * rule's thresholds), I too illiquid to judge, C priced under the minimum, N no model validated
 * yet (always-HOLD) or not enough history for the rule, P a sealed product while signals for
 * sealed products are off.
 */
export type AnswerCode = "B" | "S" | "H" | "I" | "C" | "N" | "P";

/** One day's answer. */
export type DayAnswer = {
	signal: Signal;
	code: AnswerCode;
	fair: number;
	p_up: number | null;
	p_down: number | null;
	reason: string | null;
};

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/** The signal of a code. */
export const signalOfAnswerCode = (c: string): Signal => (c === "B" ? "BUY" : c === "S" ? "SELL" : "HOLD");

/** The reason a code gives, without the day's own numbers (for stored histories). */
export function reasonOfCode(
	code: string,
	context: { min_price: number; move: number; horizon_days: number },
): string | null {
	const move = `${Math.round(context.move * 1000) / 10}%`;
	switch (code) {
		case "H":
			return "no clear direction: the chance of rising first is close to the usual share";
		case "I":
			return `too illiquid to judge: a ${move} move within ${context.horizon_days} days is unlikely`;
		case "C":
			return `priced under $${context.min_price}: a ${move} move is only cents, too little to judge`;
		case "N":
			return "no model has passed validation on this data yet, or there is too little history: HOLD";
		case "P":
			return "a sealed product: signals are given to cards only (SIGNAL_SEALED is false)";
		default:
			return null;
	}
}

/**
 * The answers for every observed day of a card. `features(j)` gives day j's features (FEATURES
 * order) and is only called for a learned model. Cards priced under `minPrice` are HOLD (C).
 */
export function answerDays(
	model: AnsweringModel,
	prices: readonly number[],
	features: (j: number) => ArrayLike<number>,
	context: { min_price: number; move: number; horizon_days: number },
): DayAnswer[] {
	if (model.kind === "learned") {
		return prices.map((price, j) => {
			const a = forecast(model.model, features(j), price);
			return {
				signal: a.signal,
				code: a.code,
				fair: round(a.fair, 4),
				p_up: round(a.p_up, 4),
				p_down: round(a.p_down, 4),
				reason: a.reason,
			};
		});
	}
	const rule = model.rule;
	const answers = ruleSeries(rule, prices);
	return prices.map((price, j) => {
		const r = answers[j] as { signal: Signal; fair: number | null };
		const cheap = rule.rule !== "hold" && price < context.min_price;
		const signal: Signal = cheap ? "HOLD" : r.signal;
		const code: AnswerCode =
			signal === "BUY"
				? "B"
				: signal === "SELL"
					? "S"
					: cheap
						? "C"
						: rule.rule === "hold" || r.fair === null
							? "N"
							: "H";
		return {
			signal,
			code,
			fair: round(r.fair ?? price, 4),
			p_up: null,
			p_down: null,
			reason: signal === "HOLD" ? (code === "H" ? "inside the rule's thresholds" : reasonOfCode(code, context)) : null,
		};
	});
}

/** Answers that give no signal: every day HOLD (P), with the model's expected price and probabilities kept. */
export const withoutSignals = (
	answers: readonly DayAnswer[],
	context: Parameters<typeof reasonOfCode>[1],
): DayAnswer[] => answers.map((a) => ({ ...a, signal: "HOLD", code: "P", reason: reasonOfCode("P", context) }));

/**
 * The relative change from the last price on or before `days` days before the last date, or
 * null when there is none (dates ascending, ISO).
 */
export function changeOver(dates: readonly string[], prices: readonly number[], days: number): number | null {
	const last = dates.length - 1;
	if (last < 1) return null;
	const cutoff = new Date(Date.parse(`${dates[last]}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
	for (let j = last - 1; j >= 0; j--) {
		if ((dates[j] as string) <= cutoff) {
			const then = prices[j] as number;
			return then > 0 ? round((prices[last] as number) / then - 1, 6) : null;
		}
	}
	return null;
}

/** `(market - fair) / fair`, rounded to 6 places; null when fair is not positive. */
export const deviationOf = (market: number, fair: number) =>
	fair > 0 && Number.isFinite(fair) ? round((market - fair) / fair, 6) : null;
