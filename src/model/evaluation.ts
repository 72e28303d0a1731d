/**
 * Scoring every candidate on the run's purged walk-forward windows: the learned model from its
 * held-out fold predictions (calibrated and given a policy on the selection window), every
 * baseline rule from its own answers, and the serving champion (a learned champion only on the
 * days after the last outcome it was fitted on). Pure.
 */
import { type Calibration, calibrate } from "./calibration";
import { addDays, laterDate } from "./dates";
import { FEATURES, type FeatureTable, OPEN, rowFeatures } from "./feature-table";
import { type Outcome, outcomeOfCode } from "./first-passage";
import { answerOf, type Forecaster, forecast, type Policy, type Predictions } from "./forecaster";
import { choosePolicy, type PolicyLimits } from "./policy";
import { type RuleSpec, ruleId, signalOfCode } from "./rules";
import { type DirectionMetrics, emptyTally, metricsOf, tallyDay } from "./scoring";
import { inSpan, type Span, type WalkForward } from "./walk-forward";

/** A candidate's figures in both windows. */
export type CandidateFigures = {
	id: string;
	kind: "learned" | "rule";
	selection: DirectionMetrics;
	validation: DirectionMetrics;
	/** On the validation days the champion was not fitted on (present when there is a champion). */
	versus_champion?: DirectionMetrics;
};

/** The champion as the evaluation sees it. */
export type ChampionModel = { version: string; model: Forecaster } | { version: string; rule: RuleSpec };

/** What the evaluation found. */
export type EvaluationResult = {
	windows: WalkForward;
	/** The learned model's policy, chosen on selection with its calibration (null: it could not be given one). */
	learned: { calibration: Calibration; policy: Policy } | null;
	candidates: CandidateFigures[];
	/** The champion on validation (null when there is none or it could not be scored on out-of-sample days). */
	champion: {
		version: string;
		kind: "learned" | "rule";
		/** A learned champion of the same learner, horizon, move and price floor as tonight's. */
		same_procedure: boolean;
		validation: DirectionMetrics;
		days_from: string;
		comparable: boolean;
	} | null;
};

const outcomeAt = (t: FeatureTable, i: number): Outcome => outcomeOfCode(t.outcome[i] as number) as Outcome;

/** The judged rows of a window: outcome known, priced at least minPrice. */
export function windowRows(t: FeatureTable, span: Span, minPrice: number): number[] {
	const rows: number[] = [];
	for (let i = 0; i < t.date.length; i++)
		if (t.outcome[i] !== OPEN && (t.price[i] as number) >= minPrice && inSpan(t.date[i] as string, span)) rows.push(i);
	return rows;
}

/** A rule's figures over some rows (its signals and fair values are columns of the table). */
export function ruleMetrics(t: FeatureTable, ruleIndex: number, rows: readonly number[]): DirectionMetrics {
	const signals = t.rule_signal[ruleIndex] as Int8Array;
	const fair = t.rule_fair[ruleIndex] as Float32Array;
	const tally = emptyTally();
	for (const i of rows)
		tallyDay(tally, {
			signal: signalOfCode(signals[i] as number),
			outcome: outcomeAt(t, i),
			fair: Number.isNaN(fair[i] as number) ? null : (fair[i] as number),
			later: t.later[i] as number,
		});
	return metricsOf(tally);
}

/** A fitted learned model's figures over some rows. */
export function learnedMetrics(t: FeatureTable, model: Forecaster, rows: readonly number[]): DirectionMetrics {
	const x = new Float32Array(FEATURES.length);
	const tally = emptyTally();
	for (const i of rows) {
		const price = t.price[i] as number;
		if (price < model.min_price) continue;
		const a = forecast(model, rowFeatures(t, i, x), price);
		tallyDay(tally, {
			signal: a.signal,
			outcome: outcomeAt(t, i),
			q_up: a.q_up,
			fair: a.fair,
			later: t.later[i] as number,
		});
	}
	return metricsOf(tally);
}

/** Options of an evaluation. */
export type EvaluationOptions = PolicyLimits & { rules: readonly RuleSpec[] };

/**
 * Scores the candidates. `predictions` are the learned model's held-out fold predictions (empty
 * when it could not be fitted), calibrated by `calibration`; their selection part chooses its
 * policy, and their validation part is what the gate sees. Where there is a champion, every
 * candidate is also scored on the validation days the champion was not fitted on
 * (`versus_champion`), so the two are compared on the same days.
 */
export function evaluateCandidates(
	t: FeatureTable,
	windows: WalkForward,
	predictions: readonly Predictions[],
	calibration: Calibration,
	champion: ChampionModel | null,
	o: EvaluationOptions,
): EvaluationResult {
	const selectionRows = windowRows(t, windows.selection, o.minPrice);
	const validationRows = windowRows(t, windows.validation, o.minPrice);
	const championFrom = champion ? championDaysFrom(champion, windows, o.rules) : null;
	const championRows = championFrom === null ? [] : validationRows.filter((i) => (t.date[i] as string) >= championFrom);
	const candidates: CandidateFigures[] = o.rules.map((rule, k) => ({
		id: ruleId(rule),
		kind: "rule",
		selection: ruleMetrics(t, k, selectionRows),
		validation: ruleMetrics(t, k, validationRows),
		...(championFrom === null ? {} : { versus_champion: ruleMetrics(t, k, championRows) }),
	}));
	let learned: EvaluationResult["learned"] = null;
	if (predictions.length > 0) {
		const held = heldOut(t, predictions).filter((h) => (t.price[h.row] as number) >= o.minPrice);
		const rowsOf = (list: typeof held) => ({
			q: list.map((h) => calibrate(calibration, h.direction)),
			base: list.map((h) => h.base_up),
			move: list.map((h) => h.move),
			price: list.map((h) => t.price[h.row] as number),
			outcome: list.map((h) => outcomeAt(t, h.row)),
			later: list.map((h) => t.later[h.row] as number),
		});
		const within = (span: Span) => rowsOf(held.filter((h) => inSpan(t.date[h.row] as string, span)));
		const chosen = choosePolicy(within(windows.selection), o);
		if (chosen) {
			learned = { calibration, policy: chosen.policy };
			candidates.unshift({
				id: "learned",
				kind: "learned",
				selection: chosen.metrics,
				validation: scoreHeldOut(within(windows.validation), chosen.policy, o),
				...(championFrom === null
					? {}
					: {
							versus_champion: scoreHeldOut(
								within({ from: championFrom, to: windows.validation.to }),
								chosen.policy,
								o,
							),
						}),
			});
		}
	}
	let championResult: EvaluationResult["champion"] = null;
	if (champion && championFrom !== null) {
		const validation =
			"rule" in champion
				? ruleMetrics(
						t,
						o.rules.findIndex((r) => ruleId(r) === ruleId(champion.rule)),
						championRows,
					)
				: learnedMetrics(t, champion.model, championRows);
		championResult = {
			version: champion.version,
			kind: "rule" in champion ? "rule" : "learned",
			same_procedure:
				"model" in champion &&
				champion.model.horizon_days === o.horizonDays &&
				champion.model.move_size === o.moveSize &&
				champion.model.min_price === o.minPrice,
			validation,
			days_from: championFrom,
			comparable: validation.buy.decided >= o.minDecided && validation.sell.decided >= o.minDecided,
		};
	}
	return { windows, learned, candidates, champion: championResult };
}

/**
 * The first validation day the champion was not fitted on: the window's start for a rule, the
 * day after its last fitted outcome for a learned model; null when it cannot be scored at all
 * (a rule this code no longer has, a model over other features, or fitted past the window).
 */
function championDaysFrom(champion: ChampionModel, windows: WalkForward, rules: readonly RuleSpec[]): string | null {
	if ("rule" in champion)
		return rules.some((r) => ruleId(r) === ruleId(champion.rule)) ? windows.validation.from : null;
	if (champion.model.features.join() !== FEATURES.join()) return null;
	const after = addDays(champion.model.trained_through, 1);
	if (after > windows.validation.to) return null;
	return laterDate(after, windows.validation.from);
}

/** Held-out learned answers under a policy, with the fair price against the later price. */
function scoreHeldOut(
	rows: { q: number[]; base: number[]; move: number[]; price: number[]; outcome: Outcome[]; later: number[] },
	policy: Policy,
	o: PolicyLimits,
): DirectionMetrics {
	const tally = emptyTally();
	const model = { policy, min_price: o.minPrice, move_size: o.moveSize, horizon_days: o.horizonDays };
	rows.outcome.forEach((outcome, k) => {
		const a = answerOf(
			rows.q[k] as number,
			rows.base[k] as number,
			rows.move[k] as number,
			rows.price[k] as number,
			model,
		);
		tallyDay(tally, { signal: a.signal, outcome, q_up: a.q_up, fair: a.fair, later: rows.later[k] as number });
	});
	return metricsOf(tally);
}

/** The fold predictions flattened to one entry per judged row. */
function heldOut(t: FeatureTable, predictions: readonly Predictions[]) {
	const out: { row: number; direction: number; move: number; base_up: number }[] = [];
	for (const p of predictions)
		for (let k = 0; k < p.rows.length; k++) {
			const row = p.rows[k] as number;
			if (t.outcome[row] === OPEN) continue;
			out.push({ row, direction: p.direction[k] as number, move: p.move[k] as number, base_up: p.base_up });
		}
	return out;
}
