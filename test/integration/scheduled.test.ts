import {
	createExecutionContext,
	createScheduledController,
	introspectWorkflowInstance,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getRun } from "../../src/db/runs";
import { getServingState } from "../../src/db/serving";
import { listSteps } from "../../src/db/steps";
import worker from "../../src/index";
import { pipelineKeys } from "../../src/lib/artifact-keys";
import { STEP } from "../../src/pipeline/step-names";
import { championVersion } from "../helpers/model";
import { count, RUN_TIMEOUT, resetPipeline, uploadSample } from "../helpers/pipeline";

/** The Worker's handlers, typed as the runtime calls them. */
const handler: ExportedHandler<Env> = worker;

/** Runs the cron handler as the runtime would at `when`. */
async function runCron(when: string) {
	const ctx = createExecutionContext();
	const controller = createScheduledController({ scheduledTime: new Date(when), cron: "0 3 * * *" });
	if (!handler.scheduled) throw new Error("the Worker exports no scheduled handler");
	await handler.scheduled(controller, env, ctx);
	await waitOnExecutionContext(ctx);
}

describe("the nightly cron", () => {
	beforeEach(resetPipeline);

	it(
		"creates the day's nightly-<date> run on PIPELINE_SOURCE (sample in tests), which publishes the night",
		async () => {
			await uploadSample();
			const id = "nightly-2026-08-23";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await runCron("2026-08-23T03:00:00Z");
			await instance.waitForStatus("complete");

			const run = await getRun(env.DB, id);
			expect(run).toMatchObject({ trigger: "cron", source: "sample", run_date: "2026-08-23", published: true });
			// Whatever the gate decided, the night is served: the sample replayed as of the run date
			// (its last price is on 2026-08-22), every card, with the model the run published with.
			expect(["complete", "rejected"]).toContain(run?.status);
			expect(await getServingState(env.DB)).toMatchObject({ run_id: id, data_as_of: "2026-08-22" });
			expect(await count("serving_cards", "run_id = ? AND model_version = ?", id, run?.serving_version)).toBe(16);
			expect(await championVersion()).toBe(run?.serving_version);
		},
		RUN_TIMEOUT,
	);

	it(
		"a second trigger the same day does not throw and starts no second run",
		async () => {
			await uploadSample();
			const id = "nightly-2026-08-24";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await runCron("2026-08-24T03:00:00Z");
			await instance.waitForStatus("complete");
			const champion = await championVersion();

			await expect(runCron("2026-08-24T15:30:00Z")).resolves.toBeUndefined();
			expect((await (await env.PIPELINE.get(id)).status()).status).toBe("complete");
			expect(await count("pipeline_runs")).toBe(1);
			expect(await count("pipeline_steps", "run_id = ?", id)).toBe(
				await count("pipeline_steps", "run_id = ? AND status = 'complete'", id),
			);
			expect(await championVersion()).toBe(champion);
		},
		RUN_TIMEOUT,
	);

	it(
		"a night without its input fails the run (recorded, with the reason) and keeps the champion",
		async () => {
			await env.ARCHIVE.delete(pipelineKeys.sample);
			const id = "nightly-2026-08-25";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await instance.modify(async (m) => {
				await m.disableRetryDelays();
			});
			await runCron("2026-08-25T03:00:00Z");
			await instance.waitForStatus("errored");
			const run = await getRun(env.DB, id);
			expect(run).toMatchObject({ status: "failed", promoted: false });
			expect(run?.reason).toMatch(/^plan shards failed: .*no sample at samples\/card_prices\.csv/);
			// A missing input is not retried.
			const plan = (await listSteps(env.DB, id)).find((s) => s.name === STEP.plan);
			expect(plan).toMatchObject({ status: "failed", attempts: 1 });
			expect(await championVersion()).toBeNull();
		},
		RUN_TIMEOUT,
	);
});
