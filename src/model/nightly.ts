/**
 * One night's model selection, in one place: the purged walk-forward folds are fitted and
 * predict their held-out days, every candidate is scored, the gate decides, and the final
 * learned model is fitted on every day whose outcome is known. The pipeline runs the same
 * functions spread over Workflow steps; the backtest runs this night after night. Pure.
 */
import { type Calibration, IDENTITY } from "./calibration";
import { type ChampionModel, type EvaluationResult, evaluateCandidates } from "./evaluation";
import { FEATURES, type FeatureTable, OPEN } from "./feature-table";
import {
	type FittedPair,
	type Forecaster,
	fitCalibrated,
	fitPair,
	type Policy,
	type Predictions,
	predictPair,
} from "./forecaster";
import { type GateVerdict, gate } from "./gate";
import type { GbtParams } from "./gbt";
import type { PolicyLimits } from "./policy";
import { type RuleSpec, ruleId } from "./rules";
import { type Fold, inSpan, type WalkForward, type WindowOptions, walkForward } from "./walk-forward";

/** What a night needs to know. */
export type NightOptions = PolicyLimits & {
	windows: WindowOptions;
	gbt: GbtParams;
	rules: readonly RuleSpec[];
	force: boolean;
};

/** The model that serves: a fitted learned model, or a rule. */
export type ServingModel =
	| { kind: "learned"; id: string; model: Forecaster }
	| { kind: "rule"; id: string; rule: RuleSpec };

/** Rows a model fitted through `through` may learn from: outcome known by then, priced at least minPrice. */
export function trainingRows(t: FeatureTable, through: string, minPrice: number): number[] {
	const rows: number[] = [];
	for (let i = 0; i < t.date.length; i++)
		if ((t.date[i] as string) <= through && t.outcome[i] !== OPEN && (t.price[i] as number) >= minPrice) rows.push(i);
	return rows;
}

/** The rows a fold judges (outcome known; every price, the scoring filters). */
export function judgedRows(t: FeatureTable, fold: Fold): number[] {
	const rows: number[] = [];
	for (let i = 0; i < t.date.length; i++)
		if (t.outcome[i] !== OPEN && inSpan(t.date[i] as string, fold.judged)) rows.push(i);
	return rows;
}

/** Fits one fold and predicts the days it judges; null when its training rows are too few. */
export function fitFold(t: FeatureTable, fold: Fold, o: Pick<NightOptions, "minPrice" | "gbt">): Predictions | null {
	const pair = fitPair(t, trainingRows(t, fold.train_through, o.minPrice), o.gbt);
	return pair ? predictPair(pair, t, judgedRows(t, fold)) : null;
}

/** The final learned model: a pair fitted on every known day, with the calibration and policy chosen on selection. */
export function forecasterOf(
	pair: FittedPair,
	learned: { calibration: Calibration; policy: Policy },
	trainThrough: string,
	o: Pick<NightOptions, "minPrice" | "moveSize" | "horizonDays">,
): Forecaster {
	return {
		format: 2,
		kind: "learned",
		features: [...FEATURES],
		direction: pair.direction,
		move: pair.move,
		calibration: learned.calibration,
		policy: learned.policy,
		base_up: pair.base_up,
		horizon_days: o.horizonDays,
		move_size: o.moveSize,
		min_price: o.minPrice,
		trained_through: trainThrough,
		rows: pair.rows,
		decided: pair.decided,
	};
}

/** Whether held-out predictions cover both the selection and the validation window. */
export function judgesBoth(t: FeatureTable, predictions: readonly Predictions[], windows: WalkForward): boolean {
	let selection = false;
	let validation = false;
	for (const p of predictions)
		for (const row of p.rows) {
			const date = t.date[row] as string;
			if (inSpan(date, windows.selection)) selection = true;
			else if (inSpan(date, windows.validation)) validation = true;
			if (selection && validation) return true;
		}
	return false;
}

/** What a night decided. */
export type NightResult = {
	windows: WalkForward | null;
	evaluation: EvaluationResult | null;
	verdict: GateVerdict | null;
	/** The learned model fitted tonight, when it could be given a policy (served or not). */
	learned: Forecaster | null;
	/** The candidate that serves after tonight (null: keep the champion). */
	promoted: ServingModel | null;
	/** The champion must stop serving (it points the wrong way) and nothing passed: serve always-HOLD. */
	retired: boolean;
};

/**
 * Fold predictions kept from night to night (the backtest's own step cache): a fold that judges
 * the same days from the same training days predicts the same, so it is fitted once. Keyed by
 * the fold, then by card and date.
 */
export type FoldMemo = Map<string, { base_up: number; rows: Map<string, [number, number]> } | null>;

function cachedFold(t: FeatureTable, fold: Fold, o: NightOptions, memo: FoldMemo | undefined): Predictions | null {
	const key = `${fold.train_through}|${fold.judged.from}|${fold.judged.to}`;
	const kept = memo?.get(key);
	if (memo && kept !== undefined) {
		if (kept === null) return null;
		const rows = judgedRows(t, fold);
		const out: Predictions = {
			rows: Int32Array.from(rows),
			direction: new Float64Array(rows.length),
			move: new Float64Array(rows.length),
			base_up: kept.base_up,
		};
		for (const [k, i] of rows.entries()) {
			const v = kept.rows.get(`${t.card_id[i]}|${t.date[i]}`);
			if (!v) return fitAndKeep();
			out.direction[k] = v[0];
			out.move[k] = v[1];
		}
		return out;
	}
	return fitAndKeep();
	function fitAndKeep(): Predictions | null {
		const p = fitFold(t, fold, o);
		memo?.set(
			key,
			p && {
				base_up: p.base_up,
				rows: new Map(
					Array.from(p.rows, (i, k) => [
						`${t.card_id[i]}|${t.date[i]}`,
						[p.direction[k] as number, p.move[k] as number],
					]),
				),
			},
		);
		return p;
	}
}

/** Runs a night on a table built as of `asOf` (market features joined). */
export function runNight(
	t: FeatureTable,
	dataFrom: string,
	asOf: string,
	champion: ChampionModel | null,
	o: NightOptions,
	memo?: FoldMemo,
): NightResult {
	const windows = walkForward(dataFrom, asOf, o.windows);
	if (!windows) return { windows, evaluation: null, verdict: null, learned: null, promoted: null, retired: false };
	// A fold too early to fit leaves its days unjudged; the learned model needs both windows judged.
	const predictions: Predictions[] = [];
	for (const fold of windows.folds) {
		const p = cachedFold(t, fold, o, memo);
		if (p) predictions.push(p);
	}
	if (!judgesBoth(t, predictions, windows)) predictions.length = 0;
	const final =
		predictions.length > 0 ? fitCalibrated(t, trainingRows(t, windows.train_through, o.minPrice), o.gbt) : null;
	const evaluation = evaluateCandidates(
		t,
		windows,
		final ? predictions : [],
		final?.calibration ?? IDENTITY,
		champion,
		o,
	);
	const verdict = gate(evaluation, { signalRateFloor: o.signalRateFloor, minDecided: o.minDecided, force: o.force });
	const learned =
		final && evaluation.learned ? forecasterOf(final.pair, evaluation.learned, windows.train_through, o) : null;
	let promoted: ServingModel | null = null;
	if (verdict.passed && verdict.challenger) {
		if (verdict.challenger === "learned")
			promoted = learned ? { kind: "learned", id: "learned", model: learned } : null;
		else {
			const rule = o.rules.find((r) => ruleId(r) === verdict.challenger);
			if (rule) promoted = { kind: "rule", id: verdict.challenger, rule };
		}
	}
	return { windows, evaluation, verdict, learned, promoted, retired: promoted === null && verdict.retire_champion };
}
