import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
	endRun,
	getRun,
	heartbeat,
	insertRun,
	listRuns,
	liveKey,
	liveRuns,
	markRunning,
	runByLiveKey,
	setRunModel,
} from "../../../src/db/runs";

const AT = "2026-08-23T03:00:00.000Z";
const KEY = { run_date: "2026-08-23", source: "sample", code_version: "v1" };

/** A run of KEY, queued at `created_at`. */
const run = (id: string, options: { force?: boolean; created_at?: string; live_key?: string } = {}) =>
	insertRun(env.DB, {
		...KEY,
		id,
		trigger: "api",
		force: options.force ?? false,
		created_at: options.created_at ?? AT,
		...(options.live_key ? { live_key: options.live_key } : {}),
	});

const changes = async (statement: D1PreparedStatement) => (await statement.run()).meta.changes;

beforeEach(async () => {
	await env.DB.batch([env.DB.prepare("DELETE FROM pipeline_steps"), env.DB.prepare("DELETE FROM pipeline_runs")]);
});

describe("liveKey", () => {
	it("names the date, source and code version, and a forced run's own id", () => {
		expect(liveKey(KEY)).toBe("2026-08-23|sample|v1");
		expect(liveKey(KEY, "run-x")).toBe("2026-08-23|sample|v1|force:run-x");
	});
});

describe("insertRun and the live key", () => {
	it("registers a queued run holding the key of its date, source and code version", async () => {
		expect(await changes(run("r-1"))).toBe(1);
		expect(await getRun(env.DB, "r-1")).toMatchObject({
			id: "r-1",
			instance_id: "r-1",
			status: "queued",
			force: false,
			promoted: false,
			published: false,
			live_key: "2026-08-23|sample|v1",
			heartbeat_at: null,
		});
		expect((await runByLiveKey(env.DB, "2026-08-23|sample|v1"))?.id).toBe("r-1");
		expect(await runByLiveKey(env.DB, "2026-08-23|live|v1")).toBeNull();
	});

	it("makes a second run holding the same key a no-op, whatever its id", async () => {
		const results = await env.DB.batch([run("r-1"), run("r-2"), run("r-1")]);
		expect(results.map((r) => r.meta.changes)).toEqual([1, 0, 0]);
		expect(await getRun(env.DB, "r-2")).toBeNull();
		// Another date, source or code version is another key.
		expect(
			await changes(
				insertRun(env.DB, { ...KEY, code_version: "v2", id: "r-3", trigger: "api", force: false, created_at: AT }),
			),
		).toBe(1);
		expect((await getRun(env.DB, "r-3"))?.live_key).toBe("2026-08-23|sample|v2");
	});

	it("gives a forced run a key of its own", async () => {
		await run("r-1").run();
		expect(await changes(run("r-forced", { force: true }))).toBe(1);
		expect(await getRun(env.DB, "r-forced")).toMatchObject({
			force: true,
			live_key: "2026-08-23|sample|v1|force:r-forced",
		});
		expect((await runByLiveKey(env.DB, "2026-08-23|sample|v1"))?.id).toBe("r-1");
	});

	it("takes a key given explicitly, and refuses it once held", async () => {
		const key = liveKey(KEY, "r-own");
		expect(await changes(run("r-own", { live_key: key }))).toBe(1);
		expect(await changes(run("r-other", { live_key: key }))).toBe(0);
		expect((await runByLiveKey(env.DB, key))?.id).toBe("r-own");
	});
});

describe("endRun", () => {
	it("frees the key of a failed run, so the same night can start again", async () => {
		await run("r-1").run();
		expect(await changes(endRun(env.DB, "r-1", "failed", AT, "boom"))).toBe(1);
		expect(await getRun(env.DB, "r-1")).toMatchObject({
			status: "failed",
			ended_at: AT,
			reason: "boom",
			live_key: null,
		});
		expect(await runByLiveKey(env.DB, liveKey(KEY))).toBeNull();
		expect(await changes(run("r-2"))).toBe(1);
		expect((await runByLiveKey(env.DB, liveKey(KEY)))?.id).toBe("r-2");
	});

	it("keeps the key of a run that completed or was rejected", async () => {
		await run("r-1").run();
		await endRun(env.DB, "r-1", "complete", AT, null, true).run();
		expect(await getRun(env.DB, "r-1")).toMatchObject({ status: "complete", promoted: true, live_key: liveKey(KEY) });
		expect(await changes(run("r-2"))).toBe(0);
		await run("r-forced", { force: true }).run();
		await endRun(env.DB, "r-forced", "rejected", AT, "worse").run();
		expect((await getRun(env.DB, "r-forced"))?.live_key).toBe(liveKey(KEY, "r-forced"));
	});

	it("never ends a run twice", async () => {
		await run("r-1").run();
		await endRun(env.DB, "r-1", "complete", AT, null).run();
		expect(await changes(endRun(env.DB, "r-1", "failed", "2026-08-23T04:00:00.000Z", "late"))).toBe(0);
		expect(await getRun(env.DB, "r-1")).toMatchObject({ status: "complete", reason: null, live_key: liveKey(KEY) });
	});
});

describe("progress", () => {
	it("notes a heartbeat with the running step's timeout", async () => {
		await run("r-1").run();
		await heartbeat(env.DB, "r-1", "2026-08-23T03:05:00.000Z", 300).run();
		expect(await getRun(env.DB, "r-1")).toMatchObject({
			heartbeat_at: "2026-08-23T03:05:00.000Z",
			step_timeout_seconds: 300,
		});
	});

	it("marks a run running once, keeping its first start, and records its model without erasing it", async () => {
		await run("r-1").run();
		await markRunning(env.DB, "r-1", "2026-08-23T03:01:00.000Z", "v-champ").run();
		await markRunning(env.DB, "r-1", "2026-08-23T03:02:00.000Z", "v-champ").run();
		await setRunModel(env.DB, "r-1", "cand-1", "v-new").run();
		await setRunModel(env.DB, "r-1", null, null).run();
		expect(await getRun(env.DB, "r-1")).toMatchObject({
			status: "running",
			started_at: "2026-08-23T03:01:00.000Z",
			champion_before: "v-champ",
			candidate: "cand-1",
			model_version: "v-new",
		});
		await endRun(env.DB, "r-1", "complete", AT, null).run();
		expect(await changes(markRunning(env.DB, "r-1", AT, null))).toBe(0);
	});

	it("lists the runs still queued or running, oldest first", async () => {
		await env.DB.batch([
			run("r-new", { force: true, created_at: "2026-08-23T05:00:00.000Z" }),
			run("r-old", { force: true, created_at: "2026-08-23T01:00:00.000Z" }),
			run("r-mid", { force: true, created_at: "2026-08-23T03:00:00.000Z" }),
			run("r-done", { force: true, created_at: "2026-08-23T02:00:00.000Z" }),
			markRunning(env.DB, "r-mid", AT, null),
			endRun(env.DB, "r-done", "complete", AT, null),
		]);
		expect((await liveRuns(env.DB)).map((r) => r.id)).toEqual(["r-old", "r-mid", "r-new"]);
		expect((await liveRuns(env.DB, 1)).map((r) => r.id)).toEqual(["r-old"]);
	});
});

describe("listRuns", () => {
	it("lists newest first, by status, paging with the (created_at, id) cursor", async () => {
		await env.DB.batch([
			run("r-a", { force: true, created_at: "2026-08-23T01:00:00.000Z" }),
			run("r-b", { force: true, created_at: "2026-08-23T02:00:00.000Z" }),
			run("r-c", { force: true, created_at: "2026-08-23T02:00:00.000Z" }),
			run("r-d", { force: true, created_at: "2026-08-23T03:00:00.000Z" }),
			endRun(env.DB, "r-b", "failed", AT, "boom"),
		]);
		const page = await listRuns(env.DB, { limit: 2 });
		expect(page.map((r) => r.id)).toEqual(["r-d", "r-c"]);
		const next = await listRuns(env.DB, { limit: 2, before: { created_at: "2026-08-23T02:00:00.000Z", id: "r-c" } });
		expect(next.map((r) => r.id)).toEqual(["r-b", "r-a"]);
		expect((await listRuns(env.DB, { limit: 10, status: "failed" })).map((r) => r.id)).toEqual(["r-b"]);
	});
});
