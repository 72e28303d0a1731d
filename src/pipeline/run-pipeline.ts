/**
 * The pipeline, step by step: start, plan, collect each shard, check the collection, build each
 * shard's features, assemble the training table, fit each purged walk-forward fold and the final
 * model, evaluate every candidate and gate them, validate (register and decide), publish every
 * shard with the model that serves, finalize, notify webhook subscribers. Every step is a plain function from ./steps; this
 * file only orders them, names them and says which may be served from the step cache.
 */
import type { Config } from "../config";
import { walkForward } from "../model/walk-forward";
import type { CollectState } from "../prices/sources";
import type { WebhookMessage } from "../webhooks/delivery";
import { collectIntoHistory } from "./intake";
import { nightOptions } from "./night-options";
import type { PipelineParams } from "./params";
import { STEP_CONFIG } from "./step-config";
import { STEP, shardStep } from "./step-names";
import { type AssembleInput, assembleTraining, steadyRate } from "./steps/assemble";
import { type CollectOutput, checkCollection, collectShard, planShards } from "./steps/collect";
import { type EvaluateInput, evaluateRun } from "./steps/evaluate";
import { buildFeatureShard, type FeaturesInput, type FeaturesOutput } from "./steps/features";
import { finalizeRun } from "./steps/finalize";
import { type FinalInput, type FoldInput, fitFinalStep, fitFoldStep } from "./steps/fit";
import { notifySubscribers } from "./steps/notify";
import { publishShard } from "./steps/publish";
import { startRun } from "./steps/start";
import { validateRun } from "./steps/validate";
import { objectsIntact, recordArtifacts } from "./storage";
import { inputHash, type StepRunner } from "./tracking";

/** How a run ended (the Workflow's output). */
export type RunOutput = {
	status: "complete" | "rejected";
	candidate: string | null;
	version: string | null;
	serving: string;
	/** Whether the champion alias moved to the run's challenger. */
	promoted: boolean;
	reason: string | null;
};

/** Runs one pipeline run to its end: complete or rejected (a failure throws). */
export async function runPipeline(
	env: { DB: D1Database; ARCHIVE: R2Bucket; WEBHOOKS: Queue<WebhookMessage> },
	config: Config,
	steps: StepRunner,
	params: PipelineParams,
): Promise<RunOutput> {
	const { runId } = steps;
	const start = await steps.do(STEP.start, STEP_CONFIG.db, () => startRun(env.DB, config, runId, params));
	// Sources that read the price history first collect the night into it (the feed, or the Price Tracker).
	const intake = await collectIntoHistory(env, config, steps, params);
	const plan = await steps.do(STEP.plan, STEP_CONFIG.compute, () => planShards(env, config, runId, params));

	// Collection always runs (never cached): shard by shard, carrying the API's credit state along.
	const collected: CollectOutput[] = [];
	let state: CollectState = { dailyRemaining: null, stopped: null };
	for (const shard of plan.shards) {
		const carried = state;
		const out = await steps.do(shardStep(STEP.collect, shard.index), STEP_CONFIG.collect, () =>
			collectShard(env, config, runId, params, shard, carried, plan.history),
		);
		collected.push(out);
		state = out.state;
	}
	const summary = await steps.do(STEP.checkCollection, STEP_CONFIG.db, () =>
		checkCollection(env.DB, config, runId, plan, collected, intake),
	);
	const filled = collected.filter((c) => c.rows > 0);
	const horizon = { days: config.HORIZON_DAYS, move: config.HORIZON_MOVE };
	// Sample generously per shard; assemble cuts the union down to TRAIN_MAX_ROWS.
	const sampleRate = steadyRate((4 * config.TRAIN_MAX_ROWS) / Math.max(1, summary.rows));

	const features: FeaturesOutput[] = [];
	for (const c of filled) {
		const input: FeaturesInput = {
			shard: c.shard,
			raw: c.raw,
			as_of: summary.data_as_of,
			horizon,
			min_price: config.SIGNAL_MIN_PRICE,
			sample_rate: sampleRate,
			drift: { recent_days: config.DRIFT_RECENT_DAYS, reference_days: config.DRIFT_REFERENCE_DAYS },
			no_signal: c.no_signal ?? [],
		};
		const hash = await inputHash(STEP.features, input);
		features.push(
			await steps.do(
				shardStep(STEP.features, c.shard),
				STEP_CONFIG.compute,
				() => buildFeatureShard(env.ARCHIVE, input, hash),
				{
					cache: { inputHash: hash, reusable: (o) => objectsIntact(env.ARCHIVE, [o.features, o.sample, o.stats]) },
					record: (o) =>
						recordArtifacts(env.DB, runId, [
							[o.features, "features"],
							[o.sample, "sample"],
							[o.stats, "stats"],
						]),
				},
			),
		);
	}

	const assembleInput: AssembleInput = {
		stats: features.map((f) => f.stats),
		samples: features.map((f) => f.sample),
		sample_rate: sampleRate,
		max_rows: config.TRAIN_MAX_ROWS,
	};
	const assembleHash = await inputHash(STEP.assemble, assembleInput);
	const assembled = await steps.do(
		STEP.assemble,
		STEP_CONFIG.compute,
		() => assembleTraining(env.ARCHIVE, assembleInput, assembleHash),
		{
			cache: { inputHash: assembleHash, reusable: (o) => objectsIntact(env.ARCHIVE, [o.market, o.table]) },
			record: (o) =>
				recordArtifacts(env.DB, runId, [
					[o.market, "market"],
					[o.table, "training"],
				]),
		},
	);

	const options = nightOptions(config, params.force);
	// A republish fits nothing: the champion publishes the night as it is.
	const windows = params.republish ? null : walkForward(summary.data_from, summary.data_as_of, options.windows);
	const folds: EvaluateInput["folds"] = [];
	let final: EvaluateInput["final"] = null;
	if (windows) {
		for (const [index, fold] of windows.folds.entries()) {
			const input: FoldInput = { table: assembled.table, index, fold, min_price: options.minPrice, gbt: options.gbt };
			// The fit reads only rows up to the last day it judges: its key is their digests, not the whole table's.
			const rows = Object.entries(assembled.digests).filter(([date]) => date <= fold.judged.to);
			const hash = await inputHash(STEP.fit, { rows, fold, min_price: input.min_price, gbt: input.gbt });
			const out = await steps.do(
				shardStep(STEP.fit, index),
				STEP_CONFIG.compute,
				() => fitFoldStep(env.ARCHIVE, input, hash),
				{
					cache: {
						inputHash: hash,
						reusable: (o) => (o.predictions ? objectsIntact(env.ARCHIVE, [o.predictions]) : Promise.resolve(true)),
					},
				},
			);
			folds.push(out.predictions);
		}
		const input: FinalInput = {
			table: assembled.table,
			train_through: windows.train_through,
			min_price: options.minPrice,
			gbt: options.gbt,
		};
		const hash = await inputHash(STEP.fitFinal, input);
		final = (
			await steps.do(STEP.fitFinal, STEP_CONFIG.compute, () => fitFinalStep(env.ARCHIVE, input, hash), {
				cache: {
					inputHash: hash,
					reusable: (o) => (o.final ? objectsIntact(env.ARCHIVE, [o.final]) : Promise.resolve(true)),
				},
			})
		).final;
	}

	// A run with older data than what serves compares with no champion (it was fitted on later
	// prices) and promotes nothing; its cards are still published where it has them newer.
	const older = start.serving_as_of !== null && summary.data_as_of < start.serving_as_of;
	const champion = older ? null : start.champion;
	let decision: Awaited<ReturnType<typeof validateRun>> | null = null;
	if (windows) {
		const { rules: _rules, gbt: _gbt, windows: _windows, ...limits } = options;
		const evaluateInput: EvaluateInput = {
			table: assembled.table,
			folds,
			final,
			windows,
			champion,
			options: limits,
			drift: { ...assembled.returns, psi: config.DRIFT_PSI_THRESHOLD, ks: config.DRIFT_KS_THRESHOLD },
		};
		const hash = await inputHash(STEP.evaluate, evaluateInput);
		const evaluated = await steps.do(
			STEP.evaluate,
			STEP_CONFIG.compute,
			() => evaluateRun(env.ARCHIVE, evaluateInput, hash),
			{
				cache: {
					inputHash: hash,
					reusable: (o) => objectsIntact(env.ARCHIVE, o.learned ? [o.evaluation, o.learned] : [o.evaluation]),
				},
				record: (o) => recordArtifacts(env.DB, runId, [[o.evaluation, "evaluation"]]),
			},
		);
		decision = await steps.do(STEP.validate, STEP_CONFIG.db, () =>
			validateRun(env, runId, {
				evaluate: evaluated,
				start: { ...start, champion },
				older,
				source: params.source,
				data: { from: summary.data_from, as_of: summary.data_as_of },
			}),
		);
	} else {
		decision = await steps.do(STEP.validate, STEP_CONFIG.db, () =>
			validateRun(env, runId, {
				evaluate: null,
				start: { ...start, champion },
				older,
				republish: params.republish,
				source: params.source,
				data: { from: summary.data_from, as_of: summary.data_as_of },
			}),
		);
	}

	const model = decision.serving;
	const noSignal = new Map(filled.map((c) => [c.shard, c.no_signal ?? []]));
	for (const f of features) {
		await steps.do(shardStep(STEP.publish, f.shard), STEP_CONFIG.compute, () =>
			publishShard(env, {
				shard: f.shard,
				features: f.features,
				market: assembled.market,
				model,
				run_id: runId,
				run_date: params.run_date,
				as_of: summary.data_as_of,
				horizon,
				min_price: config.SIGNAL_MIN_PRICE,
				no_signal: noSignal.get(f.shard) ?? [],
			}),
		);
	}
	const ended = await steps.do(STEP.finalize, STEP_CONFIG.db, () =>
		finalizeRun(env.DB, runId, {
			run_date: params.run_date,
			data_as_of: summary.data_as_of,
			serving_version: model.version,
			passed: decision.passed,
			promote: decision.promote,
			expected: start.champion?.version ?? null,
			older,
			reason: decision.reason,
		}),
	);
	// After the publish transaction, in a step of its own: a retry re-sends nothing already queued.
	// The night is published by now, so a notify that fails for good is logged, not a failed run;
	// whatever it stored but did not send goes out with the next run's notify.
	try {
		await steps.do(STEP.notify, STEP_CONFIG.db, () =>
			notifySubscribers(env, { run_id: runId, run_date: params.run_date, data_as_of: summary.data_as_of }),
		);
	} catch (error) {
		console.error(
			JSON.stringify({ level: "error", msg: "webhook notify failed", run_id: runId, error: String(error) }),
		);
	}
	return {
		status: ended.status,
		candidate: decision.challenger,
		version: decision.learned_version,
		serving: model.version,
		promoted: ended.promoted,
		reason: ended.reason,
	};
}
