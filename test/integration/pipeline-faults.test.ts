import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { StartRunResponse } from "../../src/api/schemas/runs";
import { getRun, insertRun, liveKey } from "../../src/db/runs";
import { getServingState } from "../../src/db/serving";
import { listSteps, type StepRecord } from "../../src/db/steps";
import { CODE_VERSION } from "../../src/pipeline/code-version";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { api, postJson, readJson } from "../helpers/api";
import { championVersion } from "../helpers/model";
import { count, momentumRows, RUN_TIMEOUT, resetPipeline, runToEnd, toCsv, uploadCsv } from "../helpers/pipeline";

const byName = (steps: StepRecord[]) => new Map(steps.map((s) => [s.name, s]));

/** Polls until `check` holds (bounded). */
async function until<T>(check: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
	for (let i = 0; i < 600; i++) {
		const value = await check();
		if (value) return value;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`timed out waiting for ${what}`);
}

describe("faults", () => {
	let source: string;
	let champion: string;

	beforeAll(async () => {
		await resetPipeline();
		source = await uploadCsv(toCsv(momentumRows({ cards: 18, seed: 11, prefix: "flt" })));
		await using run = await runToEnd("pl-fault-base", { source, run_date: "2026-04-20" });
		champion = (run.output as { version: string }).version;
	}, RUN_TIMEOUT);

	it(
		"a step failing once is retried, and the run completes",
		async () => {
			await using run = await runToEnd(
				"pl-retry",
				{ source, run_date: "2026-04-21", force: true },
				{ modify: (m) => m.mockStepError({ name: shardStep(STEP.features, 0) }, new Error("R2 hiccup"), 1) },
			);
			expect(run.output).toMatchObject({ status: "complete" });
			const step = byName(await listSteps(env.DB, "pl-retry")).get(shardStep(STEP.features, 0));
			expect(step).toMatchObject({ status: "complete", attempts: 2, error: null });
			champion = (await championVersion()) as string;
		},
		RUN_TIMEOUT,
	);

	it(
		"a step failing for good fails the run, names the step, and publishes nothing of the night",
		async () => {
			const before = await getServingState(env.DB);
			const served = await env.DB.prepare(
				"SELECT card_id, latest_date, run_id FROM serving_cards ORDER BY card_id",
			).all();
			await using failed = await runToEnd(
				"pl-broken",
				{ source, run_date: "2026-04-25" },
				{ expect: "errored", modify: (m) => m.mockStepError({ name: STEP.finalize }, new Error("D1 is down")) },
			);
			expect(failed.error?.message).toBeTruthy();
			const run = await getRun(env.DB, "pl-broken");
			expect(run).toMatchObject({ status: "failed", promoted: false, live_key: null });
			expect(run?.reason).toMatch(/^finalize failed/);
			// Every publish step ran, but the night is not served: nothing is half-published.
			expect(byName(await listSteps(env.DB, "pl-broken")).get(shardStep(STEP.publish, 0))?.status).toBe("complete");
			expect(await getServingState(env.DB)).toEqual(before);
			expect(
				(await env.DB.prepare("SELECT card_id, latest_date, run_id FROM serving_cards ORDER BY card_id").all()).results,
			).toEqual(served.results);
			expect(await count("track_record", "run_id = 'pl-broken'")).toBe(0);
			expect(await count("serving_staged", "run_id = 'pl-broken'")).toBe(0);
			expect(await count("track_staged", "run_id = 'pl-broken'")).toBe(0);
			expect(await championVersion()).toBe(champion);
		},
		RUN_TIMEOUT,
	);

	it(
		"starting the same night from many requests at once makes exactly one run",
		async () => {
			const body = { source, date: "2026-04-27" };
			const answers = await Promise.all(Array.from({ length: 20 }, () => postJson("/v1/admin/runs", body)));
			const statuses = answers.map((res) => res.status);
			const runs = await Promise.all(answers.map((res) => readJson(res, StartRunResponse, res.status)));
			const ids = new Set(runs.map((r) => r.run.id));
			expect(ids.size).toBe(1);
			// One start created it (202); every other was answered with that run (200).
			expect(statuses.filter((s) => s === 202)).toHaveLength(1);
			expect(statuses.filter((s) => s === 200)).toHaveLength(19);
			expect(await count("pipeline_runs", "run_date = '2026-04-27' AND source = ?", source)).toBe(1);
			const id = [...ids][0] as string;
			await until(
				async () => ["complete", "rejected", "failed"].includes((await getRun(env.DB, id))?.status ?? ""),
				"the run",
			);
		},
		RUN_TIMEOUT,
	);

	it(
		"a run killed mid-step is failed, with nothing of it published, and a new start for that night proceeds",
		async () => {
			// The first attempt of "fit final" fails, so the instance waits out its retry delay mid-run.
			await using workflows = await introspectWorkflow(env.PIPELINE);
			await workflows.modifyAll(async (m) => {
				await m.mockStepError({ name: STEP.fitFinal }, new Error("slow disk"), 1);
			});
			const res = await postJson("/v1/admin/runs", { source, date: "2026-04-28" });
			const { run } = await readJson(res, StartRunResponse, 202);
			// Kill it there, once the folds are fitted and no step has moved for a second: the instance
			// ends without any of our code noticing.
			let seen = "";
			let still = 0;
			await until(async () => {
				const steps = await listSteps(env.DB, run.id);
				const state = steps.map((s) => `${s.name}:${s.status}`).join();
				still = state === seen ? still + 1 : 0;
				seen = state;
				return steps.some((s) => s.name.startsWith("fit #") && s.status === "complete") && still >= 20;
			}, "the run to wait in fit final's retry");
			await (await env.PIPELINE.get(run.id)).terminate();
			await until(async () => (await (await env.PIPELINE.get(run.id)).status()).status === "terminated", "termination");
			expect((await getRun(env.DB, run.id))?.status).toBe("running");

			// Reading it shows it failed; the key is free again.
			const read = (await (await api(`/v1/runs/${run.id}`)).json()) as { status: string; reason: string };
			expect(read.status).toBe("failed");
			expect(read.reason).toMatch(/^the run died: its Workflow instance ended \(terminated\)/);
			expect(await count("serving_staged", "run_id = ?", run.id)).toBe(0);
			const again = await readJson(
				await postJson("/v1/admin/runs", { source, date: "2026-04-28" }),
				StartRunResponse,
				202,
			);
			expect(again.reused).toBe(false);
			expect(again.run.id).not.toBe(run.id);
			await until(
				async () => ["complete", "rejected"].includes((await getRun(env.DB, again.run.id))?.status ?? ""),
				"the new run",
			);
		},
		RUN_TIMEOUT,
	);

	it(
		"a run row whose instance never existed is failed by the next start for its night",
		async () => {
			const key = { run_date: "2026-04-29", source, code_version: CODE_VERSION };
			await insertRun(env.DB, {
				id: "pl-ghost",
				trigger: "api",
				source,
				run_date: "2026-04-29",
				force: false,
				code_version: CODE_VERSION,
				created_at: new Date(Date.now() - 3_600_000).toISOString(),
				live_key: liveKey(key),
			}).run();
			const started = await readJson(
				await postJson("/v1/admin/runs", { source, date: "2026-04-29" }),
				StartRunResponse,
				202,
			);
			expect(started.run.id).not.toBe("pl-ghost");
			expect(await getRun(env.DB, "pl-ghost")).toMatchObject({ status: "failed", live_key: null });
			expect((await getRun(env.DB, "pl-ghost"))?.reason).toMatch(/is gone without recording an outcome/);
			await until(
				async () => ["complete", "rejected"].includes((await getRun(env.DB, started.run.id))?.status ?? ""),
				"the run",
			);
		},
		RUN_TIMEOUT,
	);
});
