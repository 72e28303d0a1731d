/**
 * The pipeline's step functions run again in Node on one shard of the benchmark's run, for what
 * workerd does not report locally: CPU time and peak memory per step. Same functions, same data
 * (the run's own objects), in-memory stores (node-stores.ts). Figures are Node's V8, not the
 * Workers runtime: the same engine, close but not identical. Peak heap is the largest
 * `used heap + external memory` seen at any garbage collection during the step (and at its end),
 * minus the heap before it, so it includes garbage not yet collected.
 */
import { GCProfiler, getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Config } from "../../src/config";
import { insertRun } from "../../src/db/runs";
import type { SourcePlan } from "../../src/lib/price-sources";
import { candidateGrid, estimatorsOf, evaluationWindows } from "../../src/model/candidates";
import { CODE_VERSION } from "../../src/pipeline/code-version";
import type { PipelineParams } from "../../src/pipeline/params";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { type CollectionSummary, collectShard } from "../../src/pipeline/steps/collect";
import { evaluateCandidates } from "../../src/pipeline/steps/evaluate";
import { buildFeatureShard, type FeaturesInput } from "../../src/pipeline/steps/features";
import { finalizeModel, prepareModel, publishShard } from "../../src/pipeline/steps/publish";
import { type TrainInput, trainShard } from "../../src/pipeline/steps/train";
import type { ObjectRef } from "../../src/pipeline/storage";
import { inputHash } from "../../src/pipeline/tracking";
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
	for (const s of profiler.stop()?.statistics ?? []) {
		const h = s.beforeGC.heapStatistics;
		peak = Math.max(peak, h.usedHeapSize + h.externalMemory);
	}
	const m = {
		step,
		cpu_ms: Math.round((used.user + used.system) / 1000),
		wall_ms: Math.round(wall),
		peak_heap_bytes: Math.max(0, peak - before),
	};
	return { result, m };
}

/** What the Node measurement needs from the benchmark's run. */
export type NodeRun = {
	config: Config;
	params: PipelineParams;
	runId: string;
	plan: SourcePlan;
	steps: readonly StepView[];
	/** An object of the Worker's R2 (for the all-shard steps' inputs: tallies and summaries). */
	fetchObject: (key: string) => Promise<Uint8Array>;
};

const outputsOf = <T>(steps: readonly StepView[], name: string): T => {
	const s = steps.find((x) => x.name === name);
	if (s?.status !== "complete") throw new Error(`the run has no completed step "${name}"`);
	return s.outputs as T;
};

/**
 * Measures collect, features, train and publish on the run's largest shard, and evaluate,
 * prepare model and finalize model over every shard, in Node. The figures are keyed by the
 * Worker's step names, so they sit beside the run's rows in the table.
 */
export async function measureInNode(run: NodeRun): Promise<NodeMeasurement[]> {
	const { config, params, runId, plan, steps } = run;
	const db = await SqliteD1.open();
	await insertRun(db.asD1(), {
		id: runId,
		...params,
		code_version: CODE_VERSION,
		created_at: new Date().toISOString(),
	}).run();
	const bucket = new MemoryBucket();
	const env = { DB: db.asD1(), ARCHIVE: bucket.asR2() };
	const rowsOf = (i: number) => outputsOf<{ rows: number }>(steps, shardStep(STEP.collect, i)).rows;
	const shard = plan.shards.reduce((best, s) => (rowsOf(s.index) > rowsOf(best.index) ? s : best));
	const k = shard.index;
	const out: NodeMeasurement[] = [];

	const collected = await measure(shardStep(STEP.collect, k), () =>
		collectShard(env, config, runId, params, shard, { dailyRemaining: null, stopped: null }),
	);
	out.push(collected.m);

	// The same inputs run-pipeline.ts gives the steps (a fresh state has no champion).
	const summary = outputsOf<CollectionSummary>(steps, STEP.checkCollection);
	const candidates = candidateGrid(config, []);
	const windows = evaluationWindows(
		summary.data_as_of,
		config.BACKTEST_SELECTION_DAYS,
		config.BACKTEST_VALIDATION_DAYS,
	);
	const featuresInput: FeaturesInput = {
		shard: k,
		raw: collected.result.raw,
		as_of: summary.data_as_of,
		estimators: estimatorsOf(candidates),
		horizon_days: config.HORIZON_DAYS,
		drift: { recent_days: config.DRIFT_RECENT_DAYS, reference_days: config.DRIFT_REFERENCE_DAYS },
	};
	const features = await measure(shardStep(STEP.features, k), async () =>
		buildFeatureShard(bucket.asR2(), featuresInput, await inputHash(STEP.features, featuresInput)),
	);
	out.push(features.m);
	const trainInput: TrainInput = {
		shard: k,
		features: features.result.features,
		candidates,
		windows,
		move: config.HORIZON_MOVE,
	};
	out.push(
		(
			await measure(shardStep(STEP.train, k), async () =>
				trainShard(bucket.asR2(), trainInput, await inputHash(STEP.train, trainInput)),
			)
		).m,
	);

	// The all-shard steps read every shard's tally and summary: copied from the Worker's R2.
	const refs = (base: string, field: string) =>
		plan.shards.flatMap((shard) => {
			const s = steps.find((x) => x.name === shardStep(base, shard.index));
			return s?.status === "complete" ? [(s.outputs as Record<string, ObjectRef>)[field] as ObjectRef] : [];
		});
	const tallies = refs(STEP.train, "tally");
	const stats = refs(STEP.features, "stats");
	for (const ref of [...tallies, ...stats])
		await bucket.put(ref.key, await run.fetchObject(ref.key), { customMetadata: { sha256: ref.sha256 } });
	const evaluateInput = {
		tallies,
		stats,
		candidates,
		windows,
		signal_rate_floor: config.SIGNAL_RATE_FLOOR,
		drift_thresholds: { psi: config.DRIFT_PSI_THRESHOLD, ks: config.DRIFT_KS_THRESHOLD },
	};
	const evaluated = await measure(STEP.evaluate, async () =>
		evaluateCandidates(bucket.asR2(), evaluateInput, await inputHash(STEP.evaluate, evaluateInput)),
	);
	out.push(evaluated.m);
	const best = evaluated.result.best;
	if (!best) return out;

	const model = { spec: best.spec, stats, source: params.source };
	const prepared = await measure(STEP.prepareModel, () => prepareModel(env, runId, model));
	out.push(prepared.m);
	const version = prepared.result.version;
	out.push(
		(
			await measure(shardStep(STEP.publish, k), () =>
				publishShard(env, { version, spec: best.spec, raw: collected.result.raw }),
			)
		).m,
	);
	out.push((await measure(STEP.finalizeModel, () => finalizeModel(env, runId, { ...model, version }))).m);
	return out;
}
