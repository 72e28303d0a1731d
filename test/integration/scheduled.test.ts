import {
	createExecutionContext,
	createScheduledController,
	introspectWorkflowInstance,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { LATEST_IMPORT_KEY } from "../../src/pipeline/schedule";
import { championVersion, resetModels } from "../helpers/model";

const CSV = [
	"card_id,card_name,set_name,date,market_price,source",
	"cron-card,Cron Card,Cron Set,2026-08-20,10,import",
	"cron-card,Cron Card,Cron Set,2026-08-21,12,import",
	"cron-card,Cron Card,Cron Set,2026-08-22,14,import",
].join("\n");

// Generous bounds for the local Workflow engine; nothing here asserts on speed.
const TIMEOUT = 60_000;

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

const versionCount = async () =>
	(await env.DB.prepare("SELECT COUNT(*) AS n FROM model_versions").first<{ n: number }>())?.n;

describe("the nightly cron", () => {
	beforeEach(resetModels);

	it("does nothing while no prices were imported", async () => {
		await env.ARCHIVE.delete(LATEST_IMPORT_KEY);
		await runCron("2026-08-20T03:00:00Z");
		await expect(env.PIPELINE.get("nightly-2026-08-20")).rejects.toThrow();
		expect(await championVersion()).toBeNull();
	});

	it(
		"creates the day's nightly-<date> run, which builds and promotes a model",
		async () => {
			await env.ARCHIVE.put(LATEST_IMPORT_KEY, CSV);
			const id = "nightly-2026-08-23";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await runCron("2026-08-23T03:00:00Z");
			await instance.waitForStatus("complete");

			const handle = await env.PIPELINE.get(id);
			expect(handle.id).toBe(id);
			expect((await handle.status()).status).toBe("complete");
			const champion = await env.DB.prepare(
				"SELECT v.version, v.source, v.data_as_of FROM model_aliases a JOIN model_versions v USING (version) WHERE a.alias = 'champion'",
			).first<{ version: string; source: string; data_as_of: string }>();
			expect(champion).toMatchObject({ source: "import", data_as_of: "2026-08-22" });
		},
		TIMEOUT,
	);

	it(
		"a second trigger the same day does not throw and starts no second run",
		async () => {
			await env.ARCHIVE.put(LATEST_IMPORT_KEY, CSV);
			const id = "nightly-2026-08-24";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await runCron("2026-08-24T03:00:00Z");
			await instance.waitForStatus("complete");
			const champion = await championVersion();
			const versions = await versionCount();

			// Later the same UTC day, with different prices waiting: still the same instance.
			await env.ARCHIVE.put(LATEST_IMPORT_KEY, `${CSV}\ncron-card,Cron Card,Cron Set,2026-08-23,99,import`);
			await expect(runCron("2026-08-24T15:30:00Z")).resolves.toBeUndefined();
			const handle = await env.PIPELINE.get(id);
			expect((await handle.status()).status).toBe("complete");
			expect(await championVersion()).toBe(champion);
			expect(await versionCount()).toBe(versions);
		},
		TIMEOUT,
	);
});
