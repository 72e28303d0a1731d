import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
	getArtifacts,
	getMetrics,
	getOutcomes,
	getParams,
	latestDrift,
	type OutcomeRow,
	putArtifacts,
	putMetrics,
	putOutcomes,
	putParams,
} from "../../../src/db/run-records";
import { insertRun } from "../../../src/db/runs";

const AT = "2026-08-22T03:00:00.000Z";

const run = (id: string, created_at: string) =>
	insertRun(env.DB, {
		id,
		trigger: "api",
		source: "sample",
		run_date: created_at.slice(0, 10),
		force: true,
		code_version: "v1",
		created_at,
	});

const outcome = (card_id: string, status: OutcomeRow["status"], error: string | null = null): OutcomeRow => ({
	card_id,
	tcgplayer_id: `tcg-${card_id}`,
	status,
	points: status === "ok" ? 30 : 0,
	attempts: 1,
	http_status: status === "failed" ? 500 : 200,
	error,
});

beforeAll(async () => {
	await env.DB.batch([run("rr-1", "2026-08-21T03:00:00.000Z"), run("rr-2", AT)]);
});

describe("params", () => {
	it("stores values as JSON and overwrites on a re-run", async () => {
		await env.DB.batch(putParams(env.DB, "rr-1", { source: "sample", horizon: { days: 7 }, seed: undefined }));
		await env.DB.batch(putParams(env.DB, "rr-1", { source: "live" }));
		expect(await getParams(env.DB, "rr-1")).toEqual({ horizon: { days: 7 }, seed: null, source: "live" });
	});
});

describe("metrics", () => {
	it("overwrites a metric instead of duplicating it, keeps non-finite values as null, and filters by subject", async () => {
		await env.DB.batch(
			putMetrics(env.DB, "rr-1", [
				{ subject: "gate", window_name: "validation", name: "score", value: 0.1 },
				{ subject: "gate", window_name: "validation", name: "lift", value: Number.NaN },
				{ subject: "collect", window_name: "run", name: "rows", value: 120 },
			]),
		);
		await env.DB.batch(
			putMetrics(env.DB, "rr-1", [{ subject: "gate", window_name: "validation", name: "score", value: 0.2 }]),
		);
		expect(await getMetrics(env.DB, "rr-1")).toEqual([
			{ subject: "collect", window_name: "run", name: "rows", value: 120 },
			{ subject: "gate", window_name: "validation", name: "lift", value: null },
			{ subject: "gate", window_name: "validation", name: "score", value: 0.2 },
		]);
		expect((await getMetrics(env.DB, "rr-1", ["collect"])).map((m) => m.name)).toEqual(["rows"]);
	});
});

describe("artifacts", () => {
	it("lists a run's artifacts in key order, updating a rewritten one", async () => {
		const artifact = (r2_key: string, bytes: number) => ({
			r2_key,
			kind: "raw",
			bytes,
			sha256: "a".repeat(64),
			created_at: AT,
		});
		await env.DB.batch(putArtifacts(env.DB, "rr-2", [artifact("raw/b", 10), artifact("raw/a", 20)]));
		await env.DB.batch(putArtifacts(env.DB, "rr-2", [artifact("raw/b", 11)]));
		expect((await getArtifacts(env.DB, "rr-2")).map((a) => [a.r2_key, a.bytes])).toEqual([
			["raw/a", 20],
			["raw/b", 11],
		]);
	});
});

describe("collection outcomes", () => {
	it("counts outcomes by status and lists the cards that were not collected", async () => {
		await env.DB.batch(
			putOutcomes(env.DB, "rr-2", [
				outcome("c-1", "ok"),
				outcome("c-2", "failed", "HTTP 500"),
				outcome("c-3", "skipped", "daily credits"),
				outcome("c-4", "ok"),
			]),
		);
		// A retried card is updated in place.
		await env.DB.batch(putOutcomes(env.DB, "rr-2", [outcome("c-2", "ok")]));
		const { counts, problems } = await getOutcomes(env.DB, "rr-2");
		expect(counts).toEqual({ ok: 3, failed: 0, skipped: 1 });
		expect(problems).toEqual([outcome("c-3", "skipped", "daily credits")]);
		expect((await getOutcomes(env.DB, "rr-1")).counts).toEqual({ ok: 0, failed: 0, skipped: 0 });
	});
});

describe("latestDrift", () => {
	it("answers the drift figures of the newest run that computed them", async () => {
		expect(await latestDrift(env.DB)).toBeNull();
		await env.DB.batch([
			...putMetrics(env.DB, "rr-1", [
				{ subject: "drift", window_name: "run", name: "psi", value: 0.3 },
				{ subject: "drift", window_name: "run", name: "ks", value: 0.2 },
				{ subject: "drift", window_name: "run", name: "flagged", value: 1 },
			]),
			...putMetrics(env.DB, "rr-2", [
				{ subject: "drift", window_name: "run", name: "psi", value: 0.05 },
				{ subject: "drift", window_name: "run", name: "flagged", value: 0 },
			]),
		]);
		expect(await latestDrift(env.DB)).toEqual({
			run_id: "rr-2",
			run_date: "2026-08-22",
			psi: 0.05,
			ks: null,
			flagged: false,
		});
	});
});
