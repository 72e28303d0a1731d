/**
 * The pipeline, step by step: start, plan, collect each shard, check the collection, build each
 * shard's features, train each shard, evaluate (merge and choose), validate, then publish the
 * chosen model shard by shard and promote it. Every step is a plain function from ./steps; this
 * file only orders them, names them and says which may be served from the step cache.
 */
import type { WorkflowStepConfig } from "cloudflare:workers";
import type { Config } from "../config";
import type { CollectState } from "../lib/price-sources";
import { candidateId } from "../model/backtest";
import { candidateGrid, estimatorsOf, evaluationWindows } from "../model/candidates";
import type { PipelineParams } from "./params";
import { STEP, shardStep } from "./step-names";
import { type CollectOutput, checkCollection, collectShard, planShards } from "./steps/collect";
import { evaluateCandidates, recordEvaluation } from "./steps/evaluate";
import { buildFeatureShard, type FeaturesInput, type FeaturesOutput } from "./steps/features";
import { promoteRun } from "./steps/promote";
import { finalizeModel, prepareModel, publishShard } from "./steps/publish";
import { startRun } from "./steps/start";
import { type TrainInput, type TrainOutput, trainShard } from "./steps/train";
import { rejectRun, validateCandidate } from "./steps/validate";
import { objectsIntact, recordArtifacts } from "./storage";
import { inputHash, type StepRunner } from "./tracking";

/** Retry and timeout per kind of step. */
export const STEP_CONFIG = {
	/** D1 bookkeeping: quick, retried often. */
	db: { retries: { limit: 5, delay: "1 second", backoff: "exponential" }, timeout: "1 minute" },
	/** Reading and writing R2 objects, computing. */
	compute: { retries: { limit: 3, delay: "5 seconds", backoff: "exponential" }, timeout: "5 minutes" },
	/** Collection: the Price Tracker client retries each card itself; the step retries what is left. */
	collect: { retries: { limit: 2, delay: "30 seconds", backoff: "exponential" }, timeout: "15 minutes" },
} satisfies Record<string, WorkflowStepConfig>;

/** How a run ended (the Workflow's output). */
export type RunOutput = {
	status: "complete" | "rejected";
	candidate: string | null;
	version: string | null;
	reason: string | null;
};

/** Runs one pipeline run to its end: complete or rejected (a failure throws). */
export async function runPipeline(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	config: Config,
	steps: StepRunner,
	params: PipelineParams,
): Promise<RunOutput> {
	const { runId } = steps;
	const { champion } = await steps.do(STEP.start, STEP_CONFIG.db, () => startRun(env.DB, config, runId, params));
	const plan = await steps.do(STEP.plan, STEP_CONFIG.compute, () => planShards(env, config, runId, params));

	// Collection always runs (never cached): shard by shard, carrying the API's credit state along.
	const collected: CollectOutput[] = [];
	let state: CollectState = { dailyRemaining: null, stopped: null };
	for (const shard of plan.shards) {
		const carried = state;
		const out = await steps.do(shardStep(STEP.collect, shard.index), STEP_CONFIG.collect, () =>
			collectShard(env, config, runId, params, shard, carried),
		);
		collected.push(out);
		state = out.state;
	}
	const summary = await steps.do(STEP.checkCollection, STEP_CONFIG.db, () =>
		checkCollection(env.DB, config, runId, plan, collected),
	);
	const filled = collected.filter((c) => c.rows > 0);

	// The champion's spec is always a candidate, so it is evaluated on the same windows.
	const candidates = candidateGrid(config, champion ? [champion.spec] : []);
	const championId = champion ? candidateId(champion.spec) : null;
	const windows = evaluationWindows(
		summary.data_as_of,
		config.BACKTEST_SELECTION_DAYS,
		config.BACKTEST_VALIDATION_DAYS,
	);
	const estimators = estimatorsOf(candidates);
	const features: FeaturesOutput[] = [];
	for (const c of filled) {
		const input: FeaturesInput = {
			shard: c.shard,
			raw: c.raw,
			as_of: summary.data_as_of,
			estimators,
			horizon_days: config.HORIZON_DAYS,
			drift: { recent_days: config.DRIFT_RECENT_DAYS, reference_days: config.DRIFT_REFERENCE_DAYS },
		};
		const hash = await inputHash(STEP.features, input);
		features.push(
			await steps.do(
				shardStep(STEP.features, c.shard),
				STEP_CONFIG.compute,
				() => buildFeatureShard(env.ARCHIVE, input, hash),
				{
					cache: { inputHash: hash, reusable: (o) => objectsIntact(env.ARCHIVE, [o.features, o.stats]) },
					record: (o) =>
						recordArtifacts(env.DB, runId, [
							[o.features, "features"],
							[o.stats, "stats"],
						]),
				},
			),
		);
	}

	const tallies: TrainOutput[] = [];
	for (const f of features) {
		const input: TrainInput = { shard: f.shard, features: f.features, candidates, windows, move: config.HORIZON_MOVE };
		const hash = await inputHash(STEP.train, input);
		tallies.push(
			await steps.do(shardStep(STEP.train, f.shard), STEP_CONFIG.compute, () => trainShard(env.ARCHIVE, input, hash), {
				cache: { inputHash: hash, reusable: (o) => objectsIntact(env.ARCHIVE, [o.tally]) },
				record: (o) => recordArtifacts(env.DB, runId, [[o.tally, "train"]]),
			}),
		);
	}

	const evaluateInput = {
		tallies: tallies.map((t) => t.tally),
		stats: features.map((f) => f.stats),
		candidates,
		windows,
		signal_rate_floor: config.SIGNAL_RATE_FLOOR,
		drift_thresholds: { psi: config.DRIFT_PSI_THRESHOLD, ks: config.DRIFT_KS_THRESHOLD },
	};
	const evaluateHash = await inputHash(STEP.evaluate, evaluateInput);
	const evaluation = await steps.do(
		STEP.evaluate,
		STEP_CONFIG.compute,
		() => evaluateCandidates(env.ARCHIVE, evaluateInput, evaluateHash),
		{
			cache: { inputHash: evaluateHash, reusable: (o) => objectsIntact(env.ARCHIVE, [o.evaluation]) },
			record: (o) => recordEvaluation(env, runId, o, championId),
		},
	);

	const verdict = await steps.do(STEP.validate, STEP_CONFIG.db, () =>
		validateCandidate(env, config, runId, { evaluation: evaluation.evaluation, championId, force: params.force }),
	);
	const best = evaluation.best;
	if (!verdict.passed || !best) {
		const reason = verdict.reason ?? "rejected by the validation gate";
		await steps.do(STEP.reject, STEP_CONFIG.db, () => rejectRun(env.DB, runId, reason));
		return { status: "rejected", candidate: best?.id ?? null, version: null, reason };
	}

	const stats = features.map((f) => f.stats);
	const model = { spec: best.spec, stats, source: params.source };
	const prepared = await steps.do(STEP.prepareModel, STEP_CONFIG.db, () => prepareModel(env, runId, model));
	if (!prepared.ready) {
		for (const c of filled) {
			await steps.do(shardStep(STEP.publish, c.shard), STEP_CONFIG.compute, () =>
				publishShard(env, { version: prepared.version, spec: best.spec, raw: c.raw }),
			);
		}
	}
	await steps.do(STEP.finalizeModel, STEP_CONFIG.compute, () =>
		finalizeModel(env, runId, { ...model, version: prepared.version }),
	);
	await steps.do(STEP.promote, STEP_CONFIG.db, () =>
		promoteRun(env.DB, runId, { version: prepared.version, expected: champion?.version ?? null }),
	);
	return { status: "complete", candidate: best.id, version: prepared.version, reason: null };
}
