import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { getRun, insertRun, liveKey } from "../../src/db/runs";
import { CODE_VERSION } from "../../src/pipeline/code-version";
import { FatalStepError } from "../../src/pipeline/errors";
import { PipelineParams } from "../../src/pipeline/params";
import { STEP } from "../../src/pipeline/step-names";
import { startRun } from "../../src/pipeline/steps/start";
import { expectProblem, postJson } from "../helpers/api";
import { cardRows, seedServing } from "../helpers/model";
import { RUN_TIMEOUT, resetPipeline, runToEnd } from "../helpers/pipeline";

// Synthetic prices are for `npm run bench -- pipeline` only: off unless PIPELINE_SYNTHETIC is true
// (it is not in the tests, as in every deployed environment), and never mixed with real models.

const RUN_DATE = "2026-10-31";
const params = (source: string) => PipelineParams.parse({ source, run_date: RUN_DATE, trigger: "cli" });
/** The run row a run's records refer to (the Workflow writes it before its first step). */
const register = (id: string, source: string) =>
	insertRun(env.DB, {
		id,
		...params(source),
		code_version: CODE_VERSION,
		created_at: new Date().toISOString(),
		live_key: liveKey({ ...params(source), code_version: CODE_VERSION }, id),
	}).run();

beforeEach(async () => {
	await resetPipeline();
});

describe("the synthetic source, where PIPELINE_SYNTHETIC is not true", () => {
	it("is refused by POST /v1/admin/runs with a 422 naming the field, starting nothing", async () => {
		const problem = await expectProblem(
			await postJson("/v1/admin/runs", { source: "synthetic:100x30:1", date: RUN_DATE }),
			422,
			"validation_failed",
		);
		expect(problem.detail).toMatch(/^body\.source: the synthetic source is for benchmarks only/);
		expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM pipeline_runs").first("n")).toBe(0);
	});

	it(
		"fails a run created directly at planning, without retrying, and writes no data",
		async () => {
			await using run = await runToEnd("syn-refused", params("synthetic:20x30:1"), { expect: "errored" });
			expect(run.error).not.toBeNull();
			const row = await getRun(env.DB, "syn-refused");
			expect(row?.status).toBe("failed");
			expect(row?.reason).toMatch(new RegExp(`^${STEP.plan} failed: .*PIPELINE_SYNTHETIC`));
			expect((await env.ARCHIVE.list({ prefix: "raw/" })).objects).toEqual([]);
		},
		RUN_TIMEOUT,
	);
});

describe("synthetic and real models never mix", () => {
	const config = getConfig(env);

	it("a synthetic run refuses to start while a real champion serves", async () => {
		const real = await seedServing(cardRows("real-card", [10, 11, 12, 13]), undefined, { source: "sample" });
		await expect(startRun(env.DB, config, "syn-mixed", params("synthetic:20x30:1"))).rejects.toThrow(FatalStepError);
		await expect(startRun(env.DB, config, "syn-mixed", params("synthetic:20x30:1"))).rejects.toThrow(
			new RegExp(`serving champion ${real.version} comes from "sample"`),
		);
	});

	it("a real run refuses to start while a synthetic champion serves", async () => {
		const synthetic = await seedServing(cardRows("syn-0000001", [10, 11, 12, 13]), undefined, {
			source: "synthetic:1x4:1",
		});
		await expect(startRun(env.DB, config, "real-mixed", params("sample"))).rejects.toThrow(
			new RegExp(`serving champion ${synthetic.version} was built from synthetic prices`),
		);
	});

	it("a synthetic run starts on fresh state, and beside a synthetic champion", async () => {
		await register("syn-fresh", "synthetic:20x30:1");
		await register("syn-next", "synthetic:20x30:1");
		await expect(startRun(env.DB, config, "syn-fresh", params("synthetic:20x30:1"))).resolves.toEqual({
			champion: null,
			serving_as_of: null,
		});
		await seedServing(cardRows("syn-0000001", [10, 11, 12, 13]), undefined, { source: "synthetic:1x4:1" });
		await expect(startRun(env.DB, config, "syn-next", params("synthetic:20x30:1"))).resolves.toMatchObject({
			champion: { version: expect.any(String) },
		});
	});
});
