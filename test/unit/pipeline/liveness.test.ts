import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { endRun, getRun, insertRun, liveKey, markRunning, type Run, runByLiveKey } from "../../../src/db/runs";
import { stageServingCards } from "../../../src/db/serving";
import { stageTrackRecords, type TrackRecord } from "../../../src/db/track-record";
import { deadReason, failIfDead, QUEUE_TIMEOUT_SECONDS, STALL_GRACE_SECONDS } from "../../../src/pipeline/liveness";
import { servingCard as card } from "../../helpers/serving";

const AT = "2026-06-01T03:00:00.000Z";
const KEY = { run_date: "2026-06-01", source: "sample", code_version: "v-liveness" };
const GONE = "its Workflow instance is gone without recording an outcome";

/** Registers a queued run of KEY that no Workflow instance belongs to, and reads it back. */
async function orphan(id: string, force = false): Promise<Run> {
	await insertRun(env.DB, { ...KEY, id, trigger: "api", force, created_at: AT }).run();
	return (await getRun(env.DB, id)) as Run;
}

const servingCard = (card_id: string, run_id: string) =>
	card(card_id, run_id, { latest_date: "2026-06-01", updated_at: AT });

const trackRecord = (card_id: string, run_id: string): TrackRecord => ({
	run_date: "2026-06-01",
	card_id,
	date: "2026-06-01",
	market_price: 10,
	fair_price: 10,
	signal: "HOLD",
	p_up: null,
	p_down: null,
	model_version: "v-1",
	run_id,
	horizon_days: 7,
	move: 0.05,
	outcome: null,
	outcome_date: null,
});

const stagedRuns = async (table: "serving_staged" | "track_staged") =>
	(await env.DB.prepare(`SELECT run_id FROM ${table} ORDER BY run_id, card_id`).all<{ run_id: string }>()).results.map(
		(r) => r.run_id,
	);

beforeEach(async () => {
	await env.DB.batch([
		env.DB.prepare("DELETE FROM serving_staged"),
		env.DB.prepare("DELETE FROM track_staged"),
		env.DB.prepare("DELETE FROM pipeline_runs"),
	]);
});

describe("deadReason", () => {
	it("finds a queued or running run whose instance does not exist dead", async () => {
		const run = await orphan("live-gone");
		expect(await deadReason(env.PIPELINE, run)).toBe(GONE);
		await markRunning(env.DB, run.id, AT, null).run();
		expect(await deadReason(env.PIPELINE, (await getRun(env.DB, run.id)) as Run)).toBe(GONE);
	});

	it("never finds a run that already ended dead", async () => {
		const run = await orphan("live-ended");
		for (const status of ["complete", "rejected", "failed"] as const) {
			expect(await deadReason(env.PIPELINE, { ...run, status })).toBeNull();
		}
	});

	it("finds a run whose instance errored without recording an outcome dead", async () => {
		// Params the Workflow refuses at the top of run(): the instance errors before any step.
		const instance = await env.PIPELINE.create({ id: "live-errored", params: { source: "nowhere" } as never });
		let status = (await instance.status()).status;
		for (let i = 0; i < 100 && (status === "queued" || status === "running"); i++) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			status = (await instance.status()).status;
		}
		expect(status).toBe("errored");
		const run = await orphan("live-errored");
		expect(await deadReason(env.PIPELINE, run)).toBe(
			"its Workflow instance ended (errored) without recording an outcome",
		);
	});
});

describe("failIfDead", () => {
	it("fails a dead run, frees its key and drops what it staged, touching no other run", async () => {
		const run = await orphan("live-dead");
		await env.DB.batch([
			...stageServingCards(env.DB, [
				servingCard("c-a", "live-dead"),
				servingCard("c-b", "live-dead"),
				servingCard("c-a", "live-other"),
			]),
			...stageTrackRecords(env.DB, [trackRecord("c-a", "live-dead"), trackRecord("c-a", "live-other")]),
		]);
		const now = Date.parse("2026-06-01T03:30:00.000Z");
		expect(await failIfDead(env, run, now)).toBe(true);
		expect(await getRun(env.DB, run.id)).toMatchObject({
			status: "failed",
			ended_at: "2026-06-01T03:30:00.000Z",
			reason: `the run died: ${GONE}`,
			live_key: null,
		});
		expect(await stagedRuns("serving_staged")).toEqual(["live-other"]);
		expect(await stagedRuns("track_staged")).toEqual(["live-other"]);
		// The night is free to start again.
		expect(await runByLiveKey(env.DB, liveKey(KEY))).toBeNull();
		await orphan("live-again");
		expect((await runByLiveKey(env.DB, liveKey(KEY)))?.id).toBe("live-again");
	});

	it("leaves a run that already ended as it was", async () => {
		const run = await orphan("live-done");
		await env.DB.batch([
			endRun(env.DB, run.id, "complete", AT, null),
			...stageServingCards(env.DB, [servingCard("c-a", "live-done")]),
		]);
		const ended = (await getRun(env.DB, run.id)) as Run;
		expect(await failIfDead(env, ended)).toBe(false);
		expect(await getRun(env.DB, run.id)).toEqual(ended);
		expect(await stagedRuns("serving_staged")).toEqual(["live-done"]);
	});
});

describe("a run whose instance is alive", () => {
	it("is dead only once silent for longer than its step timeout and the grace", async () => {
		// A paused instance is neither ended nor gone: only the heartbeat can tell.
		const instance = await env.PIPELINE.create({
			id: "live-paused",
			params: { source: "sample", run_date: "2026-06-01" },
		});
		await instance.pause();
		expect((await instance.status()).status).toBe("paused");
		const base: Run = { ...(await orphan("live-paused", true)), status: "running" };
		const beat = Date.parse("2026-06-01T03:10:00.000Z");
		const running: Run = { ...base, heartbeat_at: new Date(beat).toISOString(), step_timeout_seconds: 60 };
		const limit = 60 + STALL_GRACE_SECONDS;
		expect(await deadReason(env.PIPELINE, running, beat + limit * 1000)).toBeNull();
		expect(await deadReason(env.PIPELINE, running, beat + (limit + 1) * 1000)).toBe(
			`no progress for ${limit + 1} s, longer than its step timeout and grace (${limit} s)`,
		);
		// Before its first heartbeat, a run may wait in the queue for QUEUE_TIMEOUT_SECONDS.
		const queued: Run = { ...base, status: "queued", created_at: AT, started_at: null, heartbeat_at: null };
		const queueLimit = QUEUE_TIMEOUT_SECONDS + STALL_GRACE_SECONDS;
		expect(await deadReason(env.PIPELINE, queued, Date.parse(AT) + queueLimit * 1000)).toBeNull();
		expect(await deadReason(env.PIPELINE, queued, Date.parse(AT) + (queueLimit + 1) * 1000)).toMatch(
			/^no progress for 721 s/,
		);
	});
});
