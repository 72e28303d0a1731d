/** Step "evaluate": merges the shards' tallies, scores every candidate, picks the best, measures drift. */
import { runBatched } from "../../db/batch";
import { type MetricRow, putArtifacts, putMetrics } from "../../db/run-records";
import { setRunModel } from "../../db/runs";
import { pipelineKeys } from "../../lib/artifact-keys";
import {
	type BacktestTally,
	type Candidate,
	emptyBacktest,
	mergeTallies,
	WINDOW_NAMES,
	type WindowName,
	type Windows,
} from "../../model/backtest";
import { addHistogram, type DriftReport, driftReport, emptyHistogram } from "../../model/drift";
import type { ModelSpec } from "../../model/fair-value";
import { chooseBest, type Metrics, metricsOf, naiveMetrics } from "../../model/metrics";
import { artifactRow, getJson, type ObjectRef, putObject } from "../storage";
import type { ShardStats } from "./features";

/** Everything the evaluate step depends on (its cache key hashes this). */
export type EvaluateInput = {
	tallies: ObjectRef[];
	stats: ObjectRef[];
	candidates: Candidate[];
	windows: Windows;
	signal_rate_floor: number;
	drift_thresholds: { psi: number; ks: number };
};

/** The evaluation report (`evaluations/h=<input hash>/evaluation.json`). */
export type Evaluation = {
	windows: Windows;
	candidates: { id: string; spec: ModelSpec; selection: Metrics; validation: Metrics }[];
	naive: Record<WindowName, { mape: number | null; rmse: number | null }>;
	best: string | null;
	drift: DriftReport;
};

/** The evaluation object, the chosen candidate and the drift figures. */
export type EvaluateOutput = {
	evaluation: ObjectRef;
	best: { id: string; spec: ModelSpec } | null;
	drift: DriftReport;
};

/** Merges, scores and chooses: the best candidate on the selection window (see `objective`). */
export async function evaluateCandidates(
	bucket: R2Bucket,
	input: EvaluateInput,
	inputHash: string,
): Promise<EvaluateOutput> {
	let tally: BacktestTally = emptyBacktest(input.candidates.map((c) => c.id));
	for (const ref of input.tallies) tally = mergeTallies(tally, await getJson<BacktestTally>(bucket, ref.key));
	const reference = emptyHistogram();
	const recent = emptyHistogram();
	for (const ref of input.stats) {
		const stats = await getJson<ShardStats>(bucket, ref.key);
		addHistogram(reference, stats.returns.reference);
		addHistogram(recent, stats.returns.recent);
	}
	const candidates = input.candidates.map((c) => {
		const t = tally.candidates[c.id];
		if (!t) throw new Error(`no tally for candidate ${c.id}`);
		return {
			id: c.id,
			spec: c.spec,
			selection: metricsOf(t.selection, input.signal_rate_floor),
			validation: metricsOf(t.validation, input.signal_rate_floor),
		};
	});
	const bestId = chooseBest(candidates.map((c) => ({ id: c.id, metrics: c.selection })));
	const evaluation: Evaluation = {
		windows: input.windows,
		candidates,
		naive: { selection: naiveMetrics(tally.naive.selection), validation: naiveMetrics(tally.naive.validation) },
		best: bestId,
		drift: driftReport(reference, recent, input.drift_thresholds),
	};
	const ref = await putObject(
		bucket,
		pipelineKeys.evaluation(inputHash),
		JSON.stringify(evaluation),
		"application/json",
	);
	const best = candidates.find((c) => c.id === bestId);
	return { evaluation: ref, best: best ? { id: best.id, spec: best.spec } : null, drift: evaluation.drift };
}

const metricRows = (subject: string, window_name: string, m: Record<string, number | null>): MetricRow[] =>
	Object.entries(m).map(([name, value]) => ({ subject, window_name, name, value }));

/**
 * Records a run's view of the evaluation in D1 (also when the step was cached): the chosen
 * candidate and this run's champion (`championId`) in both windows, the naive forecast, every
 * candidate's headline figures on the selection window, and the drift figures. The evaluation
 * itself does not depend on the champion, so runs with different champions share its cache.
 */
export async function recordEvaluation(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	runId: string,
	output: EvaluateOutput,
	championId: string | null,
): Promise<void> {
	const evaluation = await getJson<Evaluation>(env.ARCHIVE, output.evaluation.key);
	const rows: MetricRow[] = [];
	for (const c of evaluation.candidates) {
		const { score, mape, coverage, signal_rate } = c.selection;
		rows.push(...metricRows(`candidate:${c.id}`, "selection", { score, mape, coverage, signal_rate }));
		for (const [subject, id] of [
			["chosen", evaluation.best],
			["champion", championId],
		] as const) {
			if (id !== c.id) continue;
			for (const w of WINDOW_NAMES) rows.push(...metricRows(subject, w, c[w]));
		}
	}
	for (const w of WINDOW_NAMES) rows.push(...metricRows("naive", w, evaluation.naive[w]));
	const { flagged, ...drift } = evaluation.drift;
	rows.push(...metricRows("drift", "run", { ...drift, flagged: flagged ? 1 : 0 }));
	await runBatched(env.DB, [
		...putMetrics(env.DB, runId, rows),
		...putArtifacts(env.DB, runId, [artifactRow(output.evaluation, "evaluation", new Date().toISOString())]),
		setRunModel(env.DB, runId, evaluation.best, null),
	]);
}
