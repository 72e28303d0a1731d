import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { ModelList, PromoteResponse } from "../../src/api/schemas/models";
import { getRun } from "../../src/db/runs";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";
import { momentumRows, RUN_TIMEOUT, resetPipeline, runToEnd, toCsv, uploadCsv } from "../helpers/pipeline";

/** Polls until the run ends (bounded). */
async function ended(id: string) {
	for (let i = 0; i < 600; i++) {
		const run = await getRun(env.DB, id);
		if (run && ["complete", "rejected", "failed"].includes(run.status)) return run;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`run ${id} did not end`);
}

describe("GET /v1/models and POST /v1/admin/models/{version}/promote", () => {
	let older: string;
	let current: string;

	beforeAll(async () => {
		await resetPipeline();
		const source = await uploadCsv(toCsv(momentumRows({ cards: 12, prefix: "mdl" })));
		await using first = await runToEnd("mdl-run-1", { source, run_date: "2026-04-20" });
		older = (first.output as { version: string }).version;
		await using second = await runToEnd("mdl-run-2", { source, run_date: "2026-04-30" });
		current = (second.output as { version: string }).version;
	}, RUN_TIMEOUT);

	it("lists versions newest first with their kind, spec, aliases and the building run's validation figures", async () => {
		const list = await readJson(await api("/v1/models"), ModelList);
		expect(list.champion).toBe(current);
		const learned = list.data.filter((m) => m.kind === "learned");
		expect(learned.map((m) => m.version)).toEqual([current, older]);
		const [built] = learned;
		expect(built).toMatchObject({
			run_id: "mdl-run-2",
			aliases: ["champion"],
			status: "ready",
			trained_through: "2026-04-23",
		});
		expect(built?.validation?.pooled_edge).toBeGreaterThan(0);
		expect(built?.spec).toMatchObject({ kind: "learned", horizon_days: 7, min_price: 1 });

		const page = await readJson(await api("/v1/models?limit=1"), ModelList);
		expect(page.data).toHaveLength(1);
		const next = await readJson(await api(`/v1/models?limit=1&cursor=${page.next_cursor}`), ModelList);
		expect(next.data.map((m) => m.version)).not.toContain(page.data[0]?.version);
	});

	it(
		"rolls back: promoting the older version moves the alias in one go and republishes the newest night with it",
		async () => {
			const res = await postJson(`/v1/admin/models/${older}/promote`, {});
			const promoted = await readJson(res, PromoteResponse);
			expect(promoted).toMatchObject({ alias: "champion", version: older, previous: current });
			expect(promoted.republish?.href).toBe(`/v1/runs/${promoted.republish?.id}`);
			const run = await ended(promoted.republish?.id as string);
			expect(run).toMatchObject({
				status: "complete",
				run_date: "2026-04-30",
				serving_version: older,
				promoted: false,
			});
			// What serves is the newest night, answered by the model promoted by hand.
			const answer = await readJson(await postJson("/v1/fair-price", { card_id: "mdl-00" }), FairPrice);
			expect(answer).toMatchObject({ date: "2026-04-30", model_version: older });
			const event = await env.DB.prepare(
				"SELECT version, previous, actor FROM alias_events ORDER BY id DESC LIMIT 1",
			).first();
			expect(event).toMatchObject({ version: older, previous: current, actor: expect.stringMatching(/^key:key_/) });
			// And forward again.
			await readJson(await postJson(`/v1/admin/models/${current}/promote`, {}), PromoteResponse);
			expect((await readJson(await api("/v1/models"), ModelList)).champion).toBe(current);
		},
		RUN_TIMEOUT,
	);

	it("answers 404 for an unknown version, 409 for one still building, 422 for a malformed name", async () => {
		await expectProblem(await postJson("/v1/admin/models/v20990101-0000000000/promote", {}), 404, "not_found");
		await env.DB.prepare(
			`INSERT INTO model_versions (version, status, kind, estimator, params, artifact_prefix, manifest_sha256, card_count, row_count,
			   data_from, data_as_of, source, created_at)
			 VALUES ('v20990101-aaaaaaaaaa', 'building', 'learned', 'learned', '{}', '', '', 0, 0, '', '', 'test', '')`,
		).run();
		await expectProblem(await postJson("/v1/admin/models/v20990101-aaaaaaaaaa/promote", {}), 409, "conflict");
		expect(locations(await expectProblem(await postJson("/v1/admin/models/latest/promote", {}), 422))).toEqual([
			"param.version",
		]);
		expect(locations(await expectProblem(await api("/v1/models?limit=500"), 422))).toEqual(["query.limit"]);
	});

	it("promotion needs the admin scope; the list needs only read", async () => {
		const { key } = await issueKey({ scopes: ["read"] });
		await expectProblem(
			await postJson(`/v1/admin/models/${older}/promote`, {}, { headers: { "X-API-Key": key } }),
			403,
		);
		expect((await api("/v1/models", { headers: { "X-API-Key": key } })).status).toBe(200);
	});
});
