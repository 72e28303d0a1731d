import {
	createExecutionContext,
	createScheduledController,
	introspectWorkflowInstance,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { getRun } from "../../src/db/runs";
import { getServingState } from "../../src/db/serving";
import { listSteps } from "../../src/db/steps";
import worker from "../../src/index";
import { STEP } from "../../src/pipeline/step-names";
import { priceKeys } from "../../src/prices/keys";
import { championVersion } from "../helpers/model";
import { count, RUN_TIMEOUT, resetPipeline, uploadSample } from "../helpers/pipeline";

/** The Worker's handlers, typed as the runtime calls them. */
const handler: ExportedHandler<Env> = worker;

/** Runs the cron handler as the runtime would at `when` (on `on`, the Worker's env unless given). */
async function runCron(when: string, on: Env = env) {
	const ctx = createExecutionContext();
	const controller = createScheduledController({ scheduledTime: new Date(when), cron: "30 * * * *" });
	if (!handler.scheduled) throw new Error("the Worker exports no scheduled handler");
	await handler.scheduled(controller, on, ctx);
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
			await env.ARCHIVE.delete(priceKeys.sample);
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

	describe("with PIPELINE_SOURCE = tcgcsv", () => {
		// The feed host's scope of this file, and an env whose cron collects the feed from it.
		const scope = `${getConfig(env).TCGCSV_BASE_URL}/s/cron`;
		const feedEnv = { ...env, PIPELINE_SOURCE: "tcgcsv", TCGCSV_BASE_URL: scope } as Env;
		const setDay = (day: string, published: boolean) =>
			fetch(`${scope}/__control/day`, { method: "POST", body: JSON.stringify({ day, published }) });
		/** Starts the cron at `when` and fails the night's run at once (this test is about which run starts, not the run). */
		async function cronStarts(id: string, when: string) {
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await instance.modify(async (m) => {
				await m.disableRetryDelays();
				await m.mockStepError({ name: STEP.start }, new Error("not this test's concern"));
			});
			await runCron(when, feedEnv);
			await instance.waitForStatus("errored");
			return getRun(env.DB, id);
		}

		it(
			"dates the night by the feed's published day, starts nothing new before the next publish, and retries a failed night once the feed answers",
			async () => {
				await setDay("2026-11-03", true);
				// 23:30 UTC on the 3rd, and 10:30 on the 4th (before the feed's evening publish): the 3rd.
				expect(await cronStarts("nightly-2026-11-03", "2026-11-03T23:30:00Z")).toMatchObject({
					run_date: "2026-11-03",
					source: "tcgcsv",
					trigger: "cron",
				});
				await setDay("2026-11-04", false);
				// The night's run failed: once the feed answers, the next trigger tries the night again.
				expect(await cronStarts("nightly-2026-11-03-2", "2026-11-04T10:30:00Z")).toMatchObject({
					run_date: "2026-11-03",
				});
				await setDay("2026-11-04", true);
				expect(await cronStarts("nightly-2026-11-04", "2026-11-04T20:30:00Z")).toMatchObject({
					run_date: "2026-11-04",
				});
				expect(await count("pipeline_runs")).toBe(3);
			},
			RUN_TIMEOUT,
		);
	});
});
