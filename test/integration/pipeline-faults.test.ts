import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { getRun } from "../../src/db/runs";
import { listSteps, type StepRecord } from "../../src/db/steps";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { postJson, readJson } from "../helpers/api";
import { championVersion } from "../helpers/model";
import {
	count,
	noisyRows,
	oscillatingRows,
	RUN_TIMEOUT,
	resetPipeline,
	runToEnd,
	toCsv,
	uploadCsv,
} from "../helpers/pipeline";

const byName = (steps: StepRecord[]) => new Map(steps.map((s) => [s.name, s]));

describe("faults", () => {
	let champion: string;

	beforeAll(async () => {
		await resetPipeline();
		const source = await uploadCsv(
			toCsv([...oscillatingRows("fault-a"), ...oscillatingRows("fault-b", { base: 40, phase: 2 })]),
		);
		await using run = await runToEnd("pl-fault-base", { source, run_date: "2026-06-01" });
		champion = (run.output as { version: string }).version;
	}, RUN_TIMEOUT);

	it(
		"a step failing once is retried, and the run completes",
		async () => {
			const source = await uploadCsv(
				toCsv([...oscillatingRows("retry-a", { period: 16 }), ...oscillatingRows("retry-b", { base: 60 })]),
			);
			// Forced: this test is about the retry, not about beating the champion.
			await using run = await runToEnd(
				"pl-retry",
				{ source, run_date: "2026-06-01", force: true },
				{ modify: (m) => m.mockStepError({ name: shardStep(STEP.features, 0) }, new Error("R2 hiccup"), 1) },
			);
			const { output } = run;
			expect(output).toMatchObject({ status: "complete" });
			const step = byName(await listSteps(env.DB, "pl-retry")).get(shardStep(STEP.features, 0));
			expect(step).toMatchObject({ status: "complete", attempts: 2, error: null });
			expect((await getRun(env.DB, "pl-retry"))?.status).toBe("complete");
			champion = (output as { version: string }).version;
			expect(await championVersion()).toBe(champion);
		},
		RUN_TIMEOUT,
	);

	it(
		"a candidate failing the validation gate ends the run as rejected, and the champion stays",
		async () => {
			// Prices jumping at random between 10 and 50: no fair value comes within 15% of the next price.
			const source = await uploadCsv(toCsv([...noisyRows("gate-a"), ...noisyRows("gate-b", 90, "2026-03-02")]));
			const versions = await count("model_versions");
			await using run = await runToEnd("pl-rejected", { source, run_date: "2026-06-01" });
			expect(run.output).toMatchObject({ status: "rejected", version: null });
			const row = await getRun(env.DB, "pl-rejected");
			expect(row).toMatchObject({ status: "rejected", promoted: false, model_version: null });
			expect(row?.reason).toMatch(/^validation gate: .*MAPE/);
			const steps = (await listSteps(env.DB, "pl-rejected")).map((s) => s.name);
			expect(steps).toContain(STEP.reject);
			expect(steps).not.toContain(STEP.prepareModel);
			expect(await count("model_versions")).toBe(versions);
			expect(await championVersion()).toBe(champion);
			const served = await readJson(await postJson("/v1/fair-price", { card_id: "retry-a" }), FairPrice);
			expect(served.model_version).toBe(champion);
		},
		RUN_TIMEOUT,
	);

	it(
		"a step failing for good fails the run, names the step, and never touches the champion",
		async () => {
			const source = await uploadCsv(toCsv(oscillatingRows("broken-a", { period: 12, base: 70 })));
			await using failed = await runToEnd(
				"pl-broken",
				{ source, run_date: "2026-06-01" },
				{
					expect: "errored",
					modify: (m) => m.mockStepError({ name: shardStep(STEP.publish, 0) }, new Error("R2 is down")),
				},
			);
			expect(failed.error?.message).toBeTruthy();
			const run = await getRun(env.DB, "pl-broken");
			expect(run).toMatchObject({ status: "failed", promoted: false });
			expect(run?.reason).toMatch(/^publish #0 failed/);
			expect(byName(await listSteps(env.DB, "pl-broken")).get(shardStep(STEP.publish, 0))?.status).toBe("failed");
			// The half-built version exists only as 'building': it cannot be promoted or served.
			const building = await env.DB.prepare("SELECT status FROM model_versions WHERE version = ?")
				.bind(run?.model_version)
				.first<{ status: string }>();
			expect(building?.status).toBe("building");
			expect(await championVersion()).toBe(champion);
			const res = await postJson(`/v1/admin/models/${run?.model_version}/promote`, {});
			expect(res.status).toBe(409);
		},
		RUN_TIMEOUT,
	);
});
