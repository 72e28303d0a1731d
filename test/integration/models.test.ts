import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { ModelList, PromoteResponse } from "../../src/api/schemas/models";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";
import { cardRows, seedServing } from "../helpers/model";
import { oscillatingRows, RUN_TIMEOUT, resetPipeline, runToEnd, toCsv, uploadCsv } from "../helpers/pipeline";

describe("GET /v1/models and POST /v1/admin/models/{version}/promote", () => {
	let old: string;
	let current: string;

	beforeAll(async () => {
		await resetPipeline();
		old = (await seedServing(cardRows("mdl-a", [10, 20, 30]), undefined, { source: "csv" })).version;
		const source = await uploadCsv(toCsv(oscillatingRows("mdl-a")));
		await using run = await runToEnd("mdl-run", { source, run_date: "2026-06-01", force: true });
		current = (run.output as { version: string }).version;
	}, RUN_TIMEOUT);

	it("lists versions newest first with their spec, aliases and the building run's validation figures", async () => {
		const list = await readJson(await api("/v1/models"), ModelList);
		expect(list.champion).toBe(current);
		expect(list.models.map((m) => m.version)).toEqual([current, old]);
		const [built, seeded] = list.models;
		expect(built).toMatchObject({ run_id: "mdl-run", aliases: ["champion"], status: "ready" });
		expect(built?.validation?.mape).toBeLessThanOrEqual(0.15);
		expect(built?.validation?.coverage).toBeGreaterThanOrEqual(0.9);
		expect(built?.spec.estimator).toBeTypeOf("string");
		expect(seeded).toMatchObject({ run_id: null, aliases: [], validation: null, source: "csv" });
		expect(seeded?.spec).toEqual({ estimator: "trailing_mean", window: 3, buy_threshold: 0.1, sell_threshold: 0.15 });

		const page = await readJson(await api("/v1/models?limit=1"), ModelList);
		expect(page.models).toHaveLength(1);
		const next = await readJson(await api(`/v1/models?limit=1&cursor=${page.next_cursor}`), ModelList);
		expect(next).toMatchObject({ models: [{ version: old }], next_cursor: null });
	});

	it("rolls back: promoting the older version moves the alias in one go and serving follows", async () => {
		const res = await postJson(`/v1/admin/models/${old}/promote`, {});
		expect(await readJson(res, PromoteResponse)).toEqual({ alias: "champion", version: old, previous: current });
		expect((await readJson(await postJson("/v1/fair-price", { card_id: "mdl-a" }), FairPrice)).model_version).toBe(old);
		const event = await env.DB.prepare(
			"SELECT version, previous, actor FROM alias_events ORDER BY id DESC LIMIT 1",
		).first();
		expect(event).toMatchObject({ version: old, previous: current, actor: expect.stringMatching(/^key:key_/) });
		// And forward again.
		await readJson(await postJson(`/v1/admin/models/${current}/promote`, {}), PromoteResponse);
		expect((await readJson(await api("/v1/models"), ModelList)).champion).toBe(current);
	});

	it("answers 404 for an unknown version, 409 for one still building, 422 for a malformed name", async () => {
		await expectProblem(await postJson("/v1/admin/models/v20990101-0000000000/promote", {}), 404, "not_found");
		await env.DB.prepare(
			`INSERT INTO model_versions (version, status, estimator, params, artifact_prefix, manifest_sha256, card_count, row_count,
			   data_from, data_as_of, source, created_at)
			 VALUES ('v20990101-aaaaaaaaaa', 'building', 'trailing_mean', ?, 'models/x/', '', 0, 0, '', '', 'test', '')`,
		)
			.bind(JSON.stringify({ estimator: "trailing_mean", window: 3, buy_threshold: 0.1, sell_threshold: 0.15 }))
			.run();
		await expectProblem(await postJson("/v1/admin/models/v20990101-aaaaaaaaaa/promote", {}), 409, "conflict");
		expect(locations(await expectProblem(await postJson("/v1/admin/models/latest/promote", {}), 422))).toEqual([
			"param.version",
		]);
		expect(locations(await expectProblem(await api("/v1/models?limit=500"), 422))).toEqual(["query.limit"]);
		expect((await readJson(await api("/v1/models"), ModelList)).champion).toBe(current);
	});

	it("promotion needs the admin scope; the list needs only read", async () => {
		const { key } = await issueKey({ scopes: ["read"] });
		await expectProblem(await postJson(`/v1/admin/models/${old}/promote`, {}, { headers: { "X-API-Key": key } }), 403);
		expect((await api("/v1/models", { headers: { "X-API-Key": key } })).status).toBe(200);
	});
});
