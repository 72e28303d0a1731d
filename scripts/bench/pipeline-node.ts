/**
 * The pipeline's step functions run again in Node on one shard of the benchmark's run, for what
 * workerd does not report locally: CPU time and peak memory per step. Same functions, same data
 * (the run's own objects), in-memory stores (node-stores.ts). Figures are Node's V8, not the
 * Workers runtime: the same engine, close but not identical. Peak heap is the largest
 * `used heap + external memory` seen before any garbage collection during the step (and at its
 * end), minus the heap before it: garbage not yet collected included, an upper bound. Live heap
 * is the largest seen right after a full (mark-compact) collection during the step, or after one
 * forced at its end: what the step really holds at those moments, which is what must fit, since
 * V8 collects in full before it would exceed a limit.
 */
import { GCProfiler, getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Config } from "../../src/config";
import { insertRun, liveKey } from "../../src/db/runs";
import { walkForward } from "../../src/model/walk-forward";
import { CODE_VERSION } from "../../src/pipeline/code-version";
import { HOLD } from "../../src/pipeline/model-ref";
import { nightOptions } from "../../src/pipeline/night-options";
import type { PipelineParams } from "../../src/pipeline/params";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { type AssembleOutput, assembleTraining } from "../../src/pipeline/steps/assemble";
import { type CollectionSummary, collectShard } from "../../src/pipeline/steps/collect";
import { evaluateRun } from "../../src/pipeline/steps/evaluate";
import { buildFeatureShard, type FeaturesInput, type FeaturesOutput } from "../../src/pipeline/steps/features";
import { finalizeRun } from "../../src/pipeline/steps/finalize";
import { fitFinalStep, fitFoldStep } from "../../src/pipeline/steps/fit";
import { publishShard } from "../../src/pipeline/steps/publish";
import { validateRun } from "../../src/pipeline/steps/validate";
import type { ObjectRef } from "../../src/pipeline/storage";
import { inputHash } from "../../src/pipeline/tracking";
import type { SourcePlan } from "../../src/prices/sources";
import { MemoryBucket, SqliteD1 } from "./node-stores";
import type { NodeMeasurement, StepView } from "./pipeline-report";

let collect: (() => void) | null = null;
/** A full garbage collection (V8's `gc`, exposed at run time so `npm run bench` needs no flags). */
function fullGc() {
	if (!collect) {
		setFlagsFromString("--expose-gc");
		collect = runInNewContext("gc") as () => void;
	}
	collect();
}

const inUse = () => {
	const h = getHeapStatistics();
	return h.used_heap_size + h.external_memory;
};

/** Runs `fn` once and measures its CPU time, wall time and peak heap (see the module comment). */
export async function measure<T>(step: string, fn: () => Promise<T>): Promise<{ result: T; m: NodeMeasurement }> {
	fullGc();
	const before = inUse();
	const profiler = new GCProfiler();
	profiler.start();
	const cpu = process.cpuUsage();
	const t0 = performance.now();
	const result = await fn();
	const wall = performance.now() - t0;
	const used = process.cpuUsage(cpu);
	let peak = inUse();
	let live = 0;
	for (const s of profiler.stop()?.statistics ?? []) {
		const b = s.beforeGC.heapStatistics;
		const a = s.afterGC.heapStatistics;
		peak = Math.max(peak, b.usedHeapSize + b.externalMemory);
		// Only a full collection leaves nothing but live objects (a scavenge leaves old garbage).
		if (s.gcType === "MarkSweepCompact") live = Math.max(live, a.usedHeapSize + a.externalMemory);
	}
	// What the step still holds at its end (its result) is live too.
	fullGc();
	live = Math.max(live, inUse());
	const m = {
		step,
		cpu_ms: Math.round((used.user + used.system) / 1000),
		wall_ms: Math.round(wall),
		peak_heap_bytes: Math.max(0, peak - before),
		live_heap_bytes: Math.max(0, live - before),
	};
	return { result, m };
}

/** A fresh in-memory D1 holding one running run, as the steps expect to find theirs. */
export async function openRunningRun(runId: string, params: PipelineParams): Promise<SqliteD1> {
	const db = await SqliteD1.open();
	await insertRun(db.asD1(), {
		id: runId,
		...params,
		code_version: CODE_VERSION,
		created_at: new Date().toISOString(),
		live_key: liveKey({ ...params, code_version: CODE_VERSION }, runId),
	}).run();
	await db.asD1().prepare("UPDATE pipeline_runs SET status = 'running' WHERE id = ?").bind(runId).run();
	return db;
}

/** What the Node measurement needs from the benchmark's run. */
export type NodeRun = {
	config: Config;
	params: PipelineParams;
	runId: string;
	plan: SourcePlan;
	steps: readonly StepView[];
	/** An object of the Worker's R2 (the all-shard steps' inputs: every shard's summary and sample). */
	fetchObject: (key: string) => Promise<Uint8Array>;
};

const outputsOf = <T>(steps: readonly StepView[], name: string): T => {
	const s = steps.find((x) => x.name === name);
	if (s?.status !== "complete") throw new Error(`the run has no completed step "${name}"`);
	return s.outputs as T;
};

/**
 * Measures every kind of step in Node: collect, features and publish on the run's largest shard;
 * assemble over every shard (their summaries and samples copied from the Worker's R2); the
 * largest fold's fit, the final fit, evaluate, validate and finalize. The figures are keyed by
 * the Worker's step names, so they sit beside the run's rows in the table.
 */
export async function measureInNode(run: NodeRun): Promise<NodeMeasurement[]> {
	const { config, params, runId, plan, steps } = run;
	const db = await openRunningRun(runId, params);
	const bucket = new MemoryBucket();
	const env = { DB: db.asD1(), ARCHIVE: bucket.asR2() };
	const rowsOf = (i: number) => outputsOf<{ rows: number }>(steps, shardStep(STEP.collect, i)).rows;
	const shard = plan.shards.reduce((best, s) => (rowsOf(s.index) > rowsOf(best.index) ? s : best));
	const k = shard.index;
	const out: NodeMeasurement[] = [];
	// An import's chunks are read by collect: copy the largest shard's from the Worker.
	for (const sha of shard.chunks ?? []) {
		const key = `imports/chunks/${sha}.csv`;
		await bucket.put(key, await run.fetchObject(key));
	}
	if (params.source === "sample")
		await bucket.put("samples/card_prices.csv", await run.fetchObject("samples/card_prices.csv"));
	if (params.source.startsWith("file:")) {
		const key = `imports/${params.source.slice(5)}/manifest.json`;
		await bucket.put(key, await run.fetchObject(key));
	}

	const collected = await measure(shardStep(STEP.collect, k), () =>
		collectShard(env, config, runId, params, shard, { dailyRemaining: null, stopped: null }),
	);
	out.push(collected.m);

	// The same inputs run-pipeline.ts gives the steps, from the run's own outputs.
	const summary = outputsOf<CollectionSummary>(steps, STEP.checkCollection);
	const ran = outputsOf<FeaturesOutput>(steps, shardStep(STEP.features, k));
	const featuresInput: FeaturesInput = {
		shard: k,
		raw: collected.result.raw,
		as_of: summary.data_as_of,
		horizon: { days: config.HORIZON_DAYS, move: config.HORIZON_MOVE },
		min_price: config.SIGNAL_MIN_PRICE,
		sample_rate: ran.sample_rate,
		no_signal: collected.result.no_signal,
		drift: { recent_days: config.DRIFT_RECENT_DAYS, reference_days: config.DRIFT_REFERENCE_DAYS },
	};
	const features = await measure(shardStep(STEP.features, k), async () =>
		buildFeatureShard(bucket.asR2(), featuresInput, await inputHash(STEP.features, featuresInput)),
	);
	out.push(features.m);

	// Assemble reads every shard's summary and sample: copied from the Worker's R2.
	const all = plan.shards.flatMap((s) => {
		const step = steps.find((x) => x.name === shardStep(STEP.features, s.index));
		return step?.status === "complete" ? [step.outputs as FeaturesOutput] : [];
	});
	for (const f of all)
		for (const ref of [f.stats, f.sample] as ObjectRef[])
			await bucket.put(ref.key, await run.fetchObject(ref.key), { customMetadata: { sha256: ref.sha256 } });
	const assembleInput = {
		stats: all.map((f) => f.stats),
		samples: all.map((f) => f.sample),
		sample_rate: featuresInput.sample_rate,
		max_rows: config.TRAIN_MAX_ROWS,
	};
	const assembled = await measure(STEP.assemble, async () =>
		assembleTraining(bucket.asR2(), assembleInput, await inputHash(STEP.assemble, assembleInput)),
	);
	out.push(assembled.m);
	const table: AssembleOutput = assembled.result;

	const options = nightOptions(config, params.force);
	const windows = walkForward(summary.data_from, summary.data_as_of, options.windows);
	const folds: (ObjectRef | null)[] = [];
	let final: ObjectRef | null = null;
	if (windows) {
		// The last fold has the most training rows: it is the largest fit.
		const last = windows.folds.length - 1;
		for (const [index, fold] of windows.folds.entries()) {
			const input = { table: table.table, index, fold, min_price: options.minPrice, gbt: options.gbt };
			if (index === last) {
				const fit = await measure(shardStep(STEP.fit, index), () => fitFoldStep(bucket.asR2(), input, `fold-${index}`));
				out.push(fit.m);
				folds.push(fit.result.predictions);
			} else folds.push((await fitFoldStep(bucket.asR2(), input, `fold-${index}`)).predictions);
		}
		const finalFit = await measure(STEP.fitFinal, () =>
			fitFinalStep(
				bucket.asR2(),
				{ table: table.table, train_through: windows.train_through, min_price: options.minPrice, gbt: options.gbt },
				"final",
			),
		);
		out.push(finalFit.m);
		final = finalFit.result.final;
	}
	let serving = HOLD;
	let passed = false;
	let promote = true;
	if (windows) {
		const { rules: _rules, gbt: _gbt, windows: _windows, ...limits } = options;
		const evaluated = await measure(STEP.evaluate, () =>
			evaluateRun(
				bucket.asR2(),
				{
					table: table.table,
					folds,
					final,
					windows,
					champion: null,
					options: limits,
					drift: { ...table.returns, psi: config.DRIFT_PSI_THRESHOLD, ks: config.DRIFT_KS_THRESHOLD },
				},
				"evaluate",
			),
		);
		out.push(evaluated.m);
		const validated = await measure(STEP.validate, () =>
			validateRun(env, runId, {
				evaluate: evaluated.result,
				start: { champion: null, serving_as_of: null },
				older: false,
				source: params.source,
				data: { from: summary.data_from, as_of: summary.data_as_of },
			}),
		);
		out.push(validated.m);
		serving = validated.result.serving;
		passed = validated.result.passed;
		promote = validated.result.promote;
	}
	out.push(
		(
			await measure(shardStep(STEP.publish, k), () =>
				publishShard(env, {
					shard: k,
					features: features.result.features,
					market: table.market,
					model: serving,
					run_id: runId,
					run_date: params.run_date,
					as_of: summary.data_as_of,
					horizon: featuresInput.horizon,
					min_price: config.SIGNAL_MIN_PRICE,
				}),
			)
		).m,
	);
	out.push(
		(
			await measure(STEP.finalize, () =>
				finalizeRun(env.DB, runId, {
					run_date: params.run_date,
					data_as_of: summary.data_as_of,
					serving_version: serving.version,
					passed,
					promote,
					expected: null,
					older: false,
					reason: null,
				}),
			)
		).m,
	);
	return out;
}
