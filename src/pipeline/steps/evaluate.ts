/**
 * Step "evaluate": every candidate scored on the run's purged walk-forward windows (the learned
 * model from its fold predictions, each baseline rule from its own answers, the champion on the
 * days it was not fitted on), the learned model's policy chosen on selection, the gate's
 * verdict, and drift. Writes the evaluation report; returns its headline and, when the learned
 * model could be given a policy, the fitted model ready to register.
 */

import { type DriftReport, driftReport } from "../../model/drift";
import { type ChampionModel, type EvaluationResult, evaluateCandidates } from "../../model/evaluation";
import type { Forecaster } from "../../model/forecaster";
import { type GateVerdict, gate } from "../../model/gate";
import { forecasterOf, judgesBoth, type NightOptions } from "../../model/nightly";
import { baselineRules, type RuleSpec } from "../../model/rules";
import type { WalkForward } from "../../model/walk-forward";
import { pipelineKeys } from "../artifact-keys";
import { getBytes, getJson, type ObjectRef, putObject } from "../storage";
import { readTable } from "../tables";
import { type FinalFit, readPredictions, rowIndex } from "./fit";

/** The champion as a run records it: a learned model's artifact, or a rule's spec. */
export type ChampionRef =
	| { version: string; kind: "learned"; artifact_key: string }
	| { version: string; kind: "rule"; rule: RuleSpec };

/** Everything the evaluate step depends on. */
export type EvaluateInput = {
	table: ObjectRef;
	folds: (ObjectRef | null)[];
	final: ObjectRef | null;
	windows: WalkForward;
	champion: ChampionRef | null;
	options: Omit<NightOptions, "rules" | "gbt" | "windows">;
	drift: { reference: number[]; recent: number[]; psi: number; ks: number };
};

/** The evaluation report (`evaluations/h=<input hash>/evaluation.json`). */
export type EvaluationReport = EvaluationResult & { verdict: GateVerdict; drift: DriftReport };

/** What the evaluate step returns. */
export type EvaluateOutput = {
	evaluation: ObjectRef;
	verdict: GateVerdict;
	/** The learned model tonight (policy chosen), staged for registration; null when it has none. */
	learned: ObjectRef | null;
	drift: DriftReport;
};

/** Loads the champion a run compares with. */
export async function loadChampion(bucket: R2Bucket, ref: ChampionRef | null): Promise<ChampionModel | null> {
	if (!ref) return null;
	if (ref.kind === "rule") return { version: ref.version, rule: ref.rule };
	const object = await bucket.get(ref.artifact_key);
	return object ? { version: ref.version, model: (await object.json()) as Forecaster } : null;
}

/** Scores, chooses and gates. */
export async function evaluateRun(bucket: R2Bucket, input: EvaluateInput, inputHash: string): Promise<EvaluateOutput> {
	const rules = baselineRules();
	const { table } = await readTable(await getBytes(bucket, input.table.key), { cross: true, rules: rules.length });
	const final = input.final ? await getJson<FinalFit>(bucket, input.final.key) : null;
	const predictions = [];
	if (final) {
		// One index of the table's rows for every fold, dropped once they are read.
		const index = rowIndex(table);
		for (const ref of input.folds) if (ref) predictions.push(await readPredictions(bucket, ref, table, index));
	}
	const usable = final && judgesBoth(table, predictions, input.windows) ? predictions : [];
	const champion = await loadChampion(bucket, input.champion);
	const o = { ...input.options, rules };
	const evaluation = evaluateCandidates(
		table,
		input.windows,
		usable,
		final?.calibration ?? { a: 1, b: 0 },
		champion,
		o,
	);
	const verdict = gate(evaluation, { signalRateFloor: o.signalRateFloor, minDecided: o.minDecided, force: o.force });
	const drift = driftReport(input.drift.reference, input.drift.recent, { psi: input.drift.psi, ks: input.drift.ks });
	const report: EvaluationReport = { ...evaluation, verdict, drift };
	const [ref, learned] = await Promise.all([
		putObject(bucket, pipelineKeys.evaluation(inputHash), JSON.stringify(report), "application/json"),
		final && evaluation.learned
			? putObject(
					bucket,
					`${pipelineKeys.evaluation(inputHash).replace(/evaluation\.json$/, "")}model.json`,
					JSON.stringify(forecasterOf(final.pair, evaluation.learned, input.windows.train_through, o)),
					"application/json",
				)
			: Promise.resolve(null),
	]);
	return { evaluation: ref, verdict, learned, drift };
}
