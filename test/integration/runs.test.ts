import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { RunCompare, RunDetail, RunList, StartRunResponse } from "../../src/api/schemas/runs";
import { CODE_VERSION } from "../../src/pipeline/code-version";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";
import { momentumRows, RUN_TIMEOUT, resetPipeline, toCsv, uploadCsv } from "../helpers/pipeline";

/** POSTs /v1/admin/runs and waits for the run it started (if any) to end. */
async function startAndWait(body: Record<string, unknown>, status = 202) {
	await using introspector = await introspectWorkflow(env.PIPELINE);
	await introspector.modifyAll(async (m) => {
		await m.disableRetryDelays();
	});
	const started = await readJson(await postJson("/v1/admin/runs", body), StartRunResponse, status);
	for (const instance of await introspector.get()) await instance.waitForStatus("complete");
	return started;
}

describe("POST /v1/admin/runs", () => {
	let source: string;

	beforeAll(async () => {
		await resetPipeline();
		source = await uploadCsv(toCsv(momentumRows({ cards: 12, prefix: "api" })));
	});

	it(
		"starts a run (202) visible at once, then reuses it for the same date, source and code version (200)",
		async () => {
			const started = await startAndWait({ source, date: "2026-04-20", trigger: "cli" });
			expect(started.reused).toBe(false);
			expect(started.run).toMatchObject({ source, run_date: "2026-04-20", trigger: "cli", code_version: CODE_VERSION });
			expect(started.run.id).toMatch(/^run-20260420-[0-9a-f]{8}$/);
			expect(started.href).toBe(`/v1/runs/${started.run.id}`);

			const detail = await readJson(await api(started.href), RunDetail);
			expect(detail).toMatchObject({ id: started.run.id, status: "complete", promoted: true });

			const again = await readJson(
				await postJson("/v1/admin/runs", { source, date: "2026-04-20" }),
				StartRunResponse,
				200,
			);
			expect(again).toMatchObject({ reused: true, run: { id: started.run.id, status: "complete" } });
		},
		RUN_TIMEOUT,
	);

	it(
		"starts a new run for the same key when forced",
		async () => {
			const forced = await startAndWait({ source, date: "2026-04-20", force: true });
			expect(forced.reused).toBe(false);
			expect(forced.run.force).toBe(true);
			const runs = await readJson(await api("/v1/runs"), RunList);
			expect(runs.data.filter((r) => r.source === source)).toHaveLength(2);
		},
		RUN_TIMEOUT,
	);

	it("refuses bad input with a 422 naming the field, starting nothing", async () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ source: "ftp://prices" }, "body.source"],
			[{ source: `file:${"0".repeat(64)}` }, "body.source"],
			[{ source, date: "2026-02-30" }, "body.date"],
			[{ source, date: "2999-01-01" }, "body.date"],
			[{ source, force: "yes" }, "body.force"],
			[{ source, colour: "blue" }, "body"],
			[{ source, trigger: "cron" }, "body.trigger"],
		];
		for (const [body, location] of cases) {
			const problem = await expectProblem(await postJson("/v1/admin/runs", body), 422, "validation_failed");
			expect(locations(problem), JSON.stringify(body)).toContain(location);
		}
		const sampleMissing = await expectProblem(await postJson("/v1/admin/runs", { source: "sample" }), 422);
		expect(sampleMissing.detail).toMatch(/^body\.source: the sample is not uploaded yet/);
		const runs = await readJson(await api("/v1/runs?limit=100"), RunList);
		expect(runs.data.every((r) => r.source === source)).toBe(true);
	});

	it("needs the admin scope", async () => {
		const { key } = await issueKey({ scopes: ["read"] });
		await expectProblem(
			await postJson("/v1/admin/runs", { source }, { headers: { "X-API-Key": key } }),
			403,
			"forbidden",
		);
	});
});

describe("GET /v1/runs, /v1/runs/{id} and /v1/runs/compare", () => {
	let ids: string[];

	beforeAll(async () => {
		await resetPipeline();
		const one = await uploadCsv(toCsv(momentumRows({ cards: 12, prefix: "cmp" })));
		const two = await uploadCsv(toCsv(momentumRows({ cards: 12, prefix: "cmp", seed: 21 })));
		ids = [(await startAndWait({ source: one, date: "2026-04-20" })).run.id];
		ids.push((await startAndWait({ source: two, date: "2026-04-20", force: true })).run.id);
	}, RUN_TIMEOUT);

	it("lists runs newest first, a page at a time", async () => {
		const first = await readJson(await api("/v1/runs?limit=1"), RunList);
		expect(first.data.map((r) => r.id)).toEqual([ids[1]]);
		expect(first.next_cursor).toBeTruthy();
		const second = await readJson(await api(`/v1/runs?limit=1&cursor=${first.next_cursor}`), RunList);
		expect(second).toMatchObject({ data: [{ id: ids[0] }], next_cursor: null });
		const complete = await readJson(await api("/v1/runs?status=complete"), RunList);
		expect(complete.data.map((r) => r.id).sort()).toEqual([...ids].sort());
		expect((await readJson(await api("/v1/runs?status=failed"), RunList)).data).toEqual([]);
	});

	it("shows one run with its steps, params, metrics and artifacts", async () => {
		const detail = await readJson(await api(`/v1/runs/${ids[0]}`), RunDetail);
		expect(detail.steps.map((s) => s.name)).toContain("evaluate");
		expect(detail.steps.every((s) => s.status === "complete")).toBe(true);
		expect(detail.params).toMatchObject({ run_date: "2026-04-20", gate_min_decided: 20, horizon_days: 7 });
		expect(detail.metrics.some((m) => m.subject === "learned" && m.name === "pooled_edge")).toBe(true);
		expect(detail.metrics.some((m) => m.subject === "baseline:hold" && m.name === "signal_rate")).toBe(true);
		expect(detail.artifacts.some((a) => a.kind === "raw" && /^raw\/date=2026-04-20\//.test(a.r2_key))).toBe(true);
		expect(detail).toMatchObject({ serving_version: detail.model_version, published: true });
		expect(detail.collection.counts).toEqual({ ok: 0, failed: 0, skipped: 0 });
	});

	it("compares runs side by side, saying which params and metrics differ", async () => {
		const compared = await readJson(await api(`/v1/runs/compare?ids=${ids.join(",")}`), RunCompare);
		expect(compared.runs.map((r) => r.id)).toEqual(ids);
		expect(compared.params.find((p) => p.name === "run_date")).toEqual({
			name: "run_date",
			values: ["2026-04-20", "2026-04-20"],
			same: true,
		});
		expect(compared.params.find((p) => p.name === "source")?.same).toBe(false);
		expect(compared.params.find((p) => p.name === "force")).toMatchObject({ values: [false, true], same: false });
		const edge = compared.metrics.find(
			(m) => m.subject === "learned" && m.window_name === "validation" && m.name === "pooled_edge",
		);
		expect(edge?.values).toHaveLength(2);
		expect(edge?.same).toBe(false);
	});

	it("answers 404 for an unknown run and 422 for a malformed id, cursor or ids list", async () => {
		await expectProblem(await api("/v1/runs/run-19990101-00000000"), 404, "not_found");
		expect(locations(await expectProblem(await api("/v1/runs/Not%20An%20Id"), 422))).toEqual(["param.id"]);
		expect(locations(await expectProblem(await api("/v1/runs?cursor=%%%"), 422))).toEqual(["query.cursor"]);
		expect(locations(await expectProblem(await api("/v1/runs?limit=0"), 422))).toEqual(["query.limit"]);
		expect(locations(await expectProblem(await api("/v1/runs?status=done"), 422))).toEqual(["query.status"]);
		expect(locations(await expectProblem(await api(`/v1/runs/compare?ids=${ids[0]}`), 422))).toEqual(["query.ids"]);
		expect(locations(await expectProblem(await api("/v1/runs/compare"), 422))).toEqual(["query.ids"]);
		const missing = await expectProblem(await api(`/v1/runs/compare?ids=${ids[0]},run-19990101-00000000`), 404);
		expect(missing.detail).toContain("run-19990101-00000000");
	});
});
