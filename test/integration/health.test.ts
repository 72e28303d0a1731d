import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Health, LegacyHealth } from "../../src/api/schemas/health";
import { putMetrics } from "../../src/db/run-records";
import { api, expectProblem, postJson, readJson } from "../helpers/api";
import { cardRows, resetModels, seedServing } from "../helpers/model";

describe("before any model is promoted", () => {
	beforeEach(resetModels);

	it("GET /v1/health answers 503 model_unavailable with Retry-After", async () => {
		const res = await api("/v1/health");
		expect(res.headers.get("retry-after")).toBe("60");
		const problem = await expectProblem(res, 503, "model_unavailable");
		expect(problem.title).toBe("No model is serving");
	});

	it("every model-backed route answers the same 503", async () => {
		const responses = [
			await api("/v1/cards"),
			await api("/v1/signals"),
			await api("/v1/cards/any-card/history"),
			await api("/v1/cards/any-card/fair-price"),
			await postJson("/v1/fair-price", { card_id: "any-card" }),
			await postJson("/v1/fair-price/batch", { items: [{ card_id: "a" }, { card_id: "b" }] }),
			await api("/cards"),
		];
		for (const res of responses) await expectProblem(res, 503, "model_unavailable");
	});

	it("published data serves whether or not its model is the champion", async () => {
		const published = await seedServing(cardRows("unpromoted", [1, 2]), undefined, { promote: false });
		const body = await readJson(await api("/v1/health"), Health);
		expect(body).toMatchObject({ model_version: published.version, champion: null, card_count: 1 });
	});

	it("the legacy GET /health still answers 200, degraded", async () => {
		const body = await readJson(await api("/health"), LegacyHealth);
		expect(body).toEqual({ status: "degraded", model_loaded: false, cards_count: 0 });
	});
});

describe("after a model is promoted", () => {
	beforeEach(resetModels);

	it("GET /v1/health answers 200 with the serving version, card count and data date", async () => {
		const published = await seedServing([
			...cardRows("health-a", [1, 2, 3], { start: "2026-07-01" }),
			...cardRows("health-b", [4, 5], { start: "2026-07-10" }),
		]);
		const res = await api("/v1/health");
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(await readJson(res, Health)).toEqual({
			status: "ok",
			model_version: published.version,
			champion: published.version,
			card_count: 2,
			data_as_of: "2026-07-11",
			serving_run: published.epoch,
			epoch: published.epoch,
			environment: "test",
			drift: null,
		});
	});

	it("GET /v1/health carries the drift figures of the latest pipeline run, flagged above the thresholds", async () => {
		await seedServing(cardRows("health-d", [1, 2, 3]));
		const run = (id: string, created: string) =>
			env.DB.prepare(
				`INSERT INTO pipeline_runs (id, instance_id, trigger, source, run_date, status, code_version, created_at)
				 VALUES (?1, ?1, 'cron', 'live', ?2, 'complete', 'test', ?3)`,
			).bind(id, created.slice(0, 10), created);
		const drift = (id: string, psi: number, ks: number, flagged: number) =>
			putMetrics(env.DB, id, [
				{ subject: "drift", window_name: "run", name: "psi", value: psi },
				{ subject: "drift", window_name: "run", name: "ks", value: ks },
				{ subject: "drift", window_name: "run", name: "flagged", value: flagged },
			]);
		await env.DB.batch([
			run("health-old", "2026-07-01T03:00:00.000Z"),
			run("health-new", "2026-07-02T03:00:00.000Z"),
			...drift("health-old", 0.01, 0.02, 0),
			...drift("health-new", 0.4, 0.31, 1),
		]);
		const health = await readJson(await api("/v1/health"), Health);
		expect(health.drift).toEqual({ flagged: true, psi: 0.4, ks: 0.31, run_id: "health-new", run_date: "2026-07-02" });
	});

	it("the legacy GET /health answers healthy with the card count", async () => {
		await seedServing(cardRows("health-c", [1]));
		const body = await readJson(await api("/health"), LegacyHealth);
		expect(body).toEqual({ status: "healthy", model_loaded: true, cards_count: 1 });
	});
});
