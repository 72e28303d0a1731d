import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { sha256Hex } from "../../src/lib/hash";
import { STEP } from "../../src/pipeline/step-names";
import { postJson, readJson } from "../helpers/api";
import { cardRows, championVersion, resetModels, seedModel } from "../helpers/model";

const HEADER = "card_id,card_name,set_name,date,market_price,source";

const GOOD_CSV = [
	HEADER,
	"wf-card,Workflow Card,WF Set,2026-06-01,10,import",
	"wf-card,Workflow Card,WF Set,2026-06-02,20,import",
	"wf-card,Workflow Card,WF Set,2026-06-03,60,import",
	"wf-other,Other Card,WF Set,2026-06-02,5,import",
].join("\n");

const BAD_CSV = [
	HEADER,
	"wf-card,Workflow Card,WF Set,2026-06-01,10,import",
	"wf-card,Workflow Card,WF Set,2026-06-02,twenty,import",
].join("\n");

// Generous bounds for the local Workflow engine; nothing here asserts on speed.
const TIMEOUT = 60_000;

const versionCount = async () =>
	(await env.DB.prepare("SELECT COUNT(*) AS n FROM model_versions").first<{ n: number }>())?.n;

type PipelineOutput = {
	imported: { rows: number; sha256: string };
	published: { version: string; created: boolean; promoted: boolean; cards: number; data_as_of: string };
};

describe("the pipeline Workflow", () => {
	let baseline: string;

	beforeEach(async () => {
		await resetModels();
		baseline = (await seedModel(cardRows("wf-baseline", [1, 2, 3]))).version;
	});

	it(
		"builds and promotes a model from a CSV in R2",
		async () => {
			await env.ARCHIVE.put("imports/wf-good.csv", GOOD_CSV);
			const id = "wf-good-run";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await env.PIPELINE.create({ id, params: { csv_key: "imports/wf-good.csv", source: "import" } });
			await instance.waitForStatus("complete");

			expect(await instance.waitForStepResult({ name: STEP.importPrices })).toEqual({
				rows: 4,
				sha256: await sha256Hex(GOOD_CSV),
			});
			const output = (await instance.getOutput()) as PipelineOutput;
			expect(output.published).toMatchObject({ created: true, promoted: true, cards: 2, data_as_of: "2026-06-03" });
			expect(output.published.version).not.toBe(baseline);
			expect(await championVersion()).toBe(output.published.version);

			const served = await readJson(await postJson("/v1/fair-price", { card_id: "wf-card" }), FairPrice);
			expect(served).toMatchObject({
				model_version: output.published.version,
				date: "2026-06-03",
				fair_price: 30,
				deviation_pct: 1,
				signal: "SELL",
			});
			const source = await env.DB.prepare("SELECT source FROM model_versions WHERE version = ?")
				.bind(output.published.version)
				.first<{ source: string }>();
			expect(source?.source).toBe("import");
		},
		TIMEOUT,
	);

	it(
		"replays history as of a date, and can build without promoting",
		async () => {
			await env.ARCHIVE.put("imports/wf-asof.csv", GOOD_CSV);
			const id = "wf-asof-run";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await env.PIPELINE.create({
				id,
				params: { csv_key: "imports/wf-asof.csv", as_of: "2026-06-02", promote: false },
			});
			await instance.waitForStatus("complete");
			const output = (await instance.getOutput()) as PipelineOutput;
			expect(output.imported.rows).toBe(3);
			expect(output.published).toMatchObject({ promoted: false, data_as_of: "2026-06-02" });
			expect(await championVersion()).toBe(baseline);
			const row = await env.DB.prepare("SELECT status FROM model_versions WHERE version = ?")
				.bind(output.published.version)
				.first<{ status: string }>();
			expect(row?.status).toBe("ready");
		},
		TIMEOUT,
	);

	it(
		"ends in error on a malformed CSV without retrying, and leaves the champion alone",
		async () => {
			await env.ARCHIVE.put("imports/wf-bad.csv", BAD_CSV);
			const id = "wf-bad-run";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await instance.modify(async (m) => {
				await m.disableRetryDelays();
			});
			await env.PIPELINE.create({ id, params: { csv_key: "imports/wf-bad.csv" } });
			await instance.waitForStatus("errored");

			const error = await instance.getError();
			// A bad file is not retried: the import step fails with a NonRetryableError. (The local engine
			// does not pass the step's message through; the CSV unit tests cover the line and field.)
			expect(error.message).toMatch(/NonRetryable/);
			expect((await (await env.PIPELINE.get(id)).status()).status).toBe("errored");
			expect(await championVersion()).toBe(baseline);
			expect(await versionCount()).toBe(1);
			const served = await readJson(await postJson("/v1/fair-price", { card_id: "wf-baseline" }), FairPrice);
			expect(served.model_version).toBe(baseline);
		},
		TIMEOUT,
	);

	it(
		"ends in error when the price file is missing",
		async () => {
			const id = "wf-missing-run";
			await using instance = await introspectWorkflowInstance(env.PIPELINE, id);
			await instance.modify(async (m) => {
				await m.disableRetryDelays();
			});
			await env.PIPELINE.create({ id, params: { csv_key: "imports/does-not-exist.csv" } });
			await instance.waitForStatus("errored");
			expect((await instance.getError()).message).toMatch(/NonRetryable/);
			expect(await championVersion()).toBe(baseline);
		},
		TIMEOUT,
	);
});
