import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { Health } from "../../src/api/schemas/health";
import { getModelVersion } from "../../src/db/models";
import { getArtifacts, getMetrics, getParams } from "../../src/db/run-records";
import { getRun } from "../../src/db/runs";
import { listSteps, type StepRecord } from "../../src/db/steps";
import { sha256Hex } from "../../src/lib/hash";
import { readPrices } from "../../src/lib/parquet";
import { evaluateAt } from "../../src/model/fair-value";
import { CODE_VERSION } from "../../src/pipeline/code-version";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { api, postJson, readJson } from "../helpers/api";
import { championVersion, sampleSeries } from "../helpers/model";
import { count, objectsUnder, RUN_TIMEOUT, resetPipeline, runToEnd, uploadSample } from "../helpers/pipeline";

const shards = (base: string, n: number) => Array.from({ length: n }, (_, i) => shardStep(base, i));
const byName = (steps: StepRecord[]) => new Map(steps.map((s) => [s.name, s]));

// 16 sample cards in shards of six (vitest.config.ts): three shards.
const SAMPLE_STEPS = [
	STEP.start,
	STEP.plan,
	...shards(STEP.collect, 3),
	STEP.checkCollection,
	...shards(STEP.features, 3),
	...shards(STEP.train, 3),
	STEP.evaluate,
	STEP.validate,
	STEP.prepareModel,
	...shards(STEP.publish, 3),
	STEP.finalizeModel,
	STEP.promote,
];

describe("the pipeline on the shipped sample", () => {
	let version: string;

	beforeAll(async () => {
		await resetPipeline();
		await uploadSample();
	});

	it(
		"collects, builds features, trains, evaluates, validates and promotes, recording every step",
		async () => {
			await using run = await runToEnd("pl-sample-1", { source: "sample", run_date: "2026-11-27", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "complete", reason: null });
			version = (run.output as { version: string }).version;
			expect(version).toMatch(/^v20260822-[0-9a-f]{10}$/);
			expect(await run.instance.waitForStepResult({ name: STEP.checkCollection })).toMatchObject({
				rows: 7630,
				cards: 16,
				failed: 0,
				data_from: "2025-04-22",
				data_as_of: "2026-08-22",
			});

			const row = await getRun(env.DB, "pl-sample-1");
			expect(row).toMatchObject({
				status: "complete",
				trigger: "cli",
				source: "sample",
				promoted: true,
				model_version: version,
				champion_before: null,
				code_version: CODE_VERSION,
			});
			expect(row?.candidate).toMatch(/\/b[\d.]+\/s[\d.]+$/);
			const steps = await listSteps(env.DB, "pl-sample-1");
			expect(steps.map((s) => s.name)).toEqual(SAMPLE_STEPS);
			for (const s of steps)
				expect(s, s.name).toMatchObject({ status: "complete", attempts: 1, cached: false, error: null });
			expect(
				byName(steps).get(STEP.features)?.input_hash ?? byName(steps).get(shardStep(STEP.features, 0))?.input_hash,
			).toMatch(/^[0-9a-f]{64}$/);
			expect(await championVersion()).toBe(version);
		},
		RUN_TIMEOUT,
	);

	it("stores raw prices as Parquet partitioned by run date, and records every object with its SHA-256", async () => {
		const artifacts = await getArtifacts(env.DB, "pl-sample-1");
		const kinds = artifacts.map((a) => a.kind).sort();
		expect(kinds).toEqual(
			[
				"evaluation",
				"features",
				"features",
				"features",
				"model",
				"raw",
				"raw",
				"raw",
				"stats",
				"stats",
				"stats",
				"train",
				"train",
				"train",
			].sort(),
		);
		let rows = 0;
		for (const a of artifacts) {
			const object = await env.ARCHIVE.get(a.r2_key);
			const bytes = await object?.arrayBuffer();
			expect(bytes, a.r2_key).toBeDefined();
			expect(await sha256Hex(bytes as ArrayBuffer), a.r2_key).toBe(a.sha256);
			expect(a.bytes, a.r2_key).toBe((bytes as ArrayBuffer).byteLength);
			if (a.kind === "raw") {
				expect(a.r2_key).toMatch(/^raw\/date=2026-11-27\/source=sample\/part-000\d\.parquet$/);
				rows += (await readPrices(bytes as ArrayBuffer)).length;
			}
		}
		expect(rows).toBe(7630);
		expect(artifacts.find((a) => a.kind === "model")?.r2_key).toBe(`models/${version}/model.json`);
	});

	it("records params and metrics: the chosen model in both windows, the naive forecast, drift and the gate", async () => {
		expect(await getParams(env.DB, "pl-sample-1")).toMatchObject({
			source: "sample",
			run_date: "2026-11-27",
			code_version: CODE_VERSION,
			gate_max_mape: 0.15,
			shards: 3,
		});
		const metrics = await getMetrics(env.DB, "pl-sample-1");
		const value = (subject: string, window: string, name: string) =>
			metrics.find((m) => m.subject === subject && m.window_name === window && m.name === name)?.value;
		for (const window of ["selection", "validation"]) {
			for (const name of ["mape", "rmse", "coverage", "buy_rate", "buy_precision", "sell_recall", "flip_rate"])
				expect(value("chosen", window, name), `${window} ${name}`).not.toBeUndefined();
			expect(value("naive", window, "mape")).toBeGreaterThan(0);
		}
		expect(value("chosen", "validation", "mape")).toBeLessThanOrEqual(0.15);
		expect(value("chosen", "validation", "coverage")).toBeGreaterThanOrEqual(0.9);
		expect(value("gate", "validation", "passed")).toBe(1);
		expect(value("drift", "run", "psi")).toBeGreaterThanOrEqual(0);
		expect(value("drift", "run", "recent_n")).toBeGreaterThan(0);
		expect(
			metrics.filter((m) => m.subject.startsWith("candidate:") && m.name === "score").length,
		).toBeGreaterThanOrEqual(30);
	});

	it("serves the promoted model: health names it with its drift, and answers use its spec", async () => {
		const health = await readJson(await api("/v1/health"), Health);
		expect(health.model_version).toBe(version);
		expect(health.card_count).toBe(16);
		expect(health.drift).toMatchObject({ run_id: "pl-sample-1", run_date: "2026-11-27" });
		const model = await getModelVersion(env.DB, version);
		expect(model?.run_id).toBe("pl-sample-1");
		const served = await readJson(
			await postJson("/v1/fair-price", { card_id: "sv03-223-charizard-ex", date: "2026-05-01" }),
			FairPrice,
		);
		const { dates, prices } = sampleSeries("sv03-223-charizard-ex");
		const index = dates.indexOf("2026-05-01");
		expect(served).toEqual({
			card_id: "sv03-223-charizard-ex",
			...evaluateAt(dates, prices, index, model?.spec as never),
			model_version: version,
		});
	});

	it(
		"re-running the same date is idempotent: cached steps, the same version, no duplicate rows or objects",
		async () => {
			const before = {
				objects: await Promise.all(["raw/", "features/", "train/", "evaluations/", "models/"].map(objectsUnder)),
				versions: await count("model_versions"),
				cards: await count("model_cards"),
			};
			await using run = await runToEnd("pl-sample-2", { source: "sample", run_date: "2026-11-27", force: true });
			const { output } = run;
			expect(output).toMatchObject({ status: "complete", version });
			const first = byName(await listSteps(env.DB, "pl-sample-1"));
			const steps = await listSteps(env.DB, "pl-sample-2");
			for (const s of steps) {
				const cacheable = [STEP.features, STEP.train, STEP.evaluate].some((k) => s.kind === k);
				expect(s.cached, s.name).toBe(cacheable);
				if (cacheable) {
					expect(s.outputs, s.name).toEqual(first.get(s.name)?.outputs);
					expect(s.input_hash, s.name).toBe(first.get(s.name)?.input_hash);
				}
			}
			// Collection always runs; the model was already built, so nothing is published again.
			expect(steps.filter((s) => s.kind === STEP.collect)).toHaveLength(3);
			expect(steps.some((s) => s.kind === STEP.publish)).toBe(false);
			expect(await Promise.all(["raw/", "features/", "train/", "evaluations/", "models/"].map(objectsUnder))).toEqual(
				before.objects,
			);
			expect(await count("model_versions")).toBe(before.versions);
			expect(await count("model_cards")).toBe(before.cards);
			// The second run still records its own view of the cached evaluation.
			expect((await getMetrics(env.DB, "pl-sample-2", ["chosen"])).length).toBeGreaterThan(10);
			expect(await championVersion()).toBe(version);
		},
		RUN_TIMEOUT,
	);
});
