import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertRun } from "../../../src/db/runs";
import { findCachedOutputs, listSteps, stepEnded, stepFailedOutside, stepStarted } from "../../../src/db/steps";

const AT = "2026-08-22T03:00:00.000Z";

const started = (
	run_id: string,
	name: string,
	attempt: number,
	code_version = "v1",
	input_hash: string | null = "h1",
) => stepStarted(env.DB, { run_id, name, kind: name.replace(/ #\d+$/, ""), attempt, at: AT, input_hash, code_version });

describe("the step cache", () => {
	beforeAll(async () => {
		await env.DB.batch([
			insertRun(env.DB, {
				id: "db-run-1",
				trigger: "api",
				source: "sample",
				run_date: "2026-08-22",
				force: false,
				code_version: "v1",
				created_at: AT,
			}),
			started("db-run-1", "features #0", 1),
			stepEnded(env.DB, { run_id: "db-run-1", name: "features #0", status: "complete", at: AT, outputs: { key: "a" } }),
			started("db-run-1", "train #0", 1, "v0"),
			stepEnded(env.DB, { run_id: "db-run-1", name: "train #0", status: "complete", at: AT, outputs: { key: "old" } }),
			started("db-run-1", "evaluate", 1),
			stepEnded(env.DB, { run_id: "db-run-1", name: "evaluate", status: "failed", at: AT, error: "boom" }),
		]);
	});

	it("finds a completed step of the same kind, input hash and code version", async () => {
		expect(await findCachedOutputs(env.DB, { kind: "features", input_hash: "h1", code_version: "v1" })).toEqual({
			key: "a",
		});
	});

	it("misses on another input hash, another code version, or a failed step", async () => {
		expect(await findCachedOutputs(env.DB, { kind: "features", input_hash: "h2", code_version: "v1" })).toBeNull();
		expect(await findCachedOutputs(env.DB, { kind: "train", input_hash: "h1", code_version: "v1" })).toBeNull();
		expect(await findCachedOutputs(env.DB, { kind: "evaluate", input_hash: "h1", code_version: "v1" })).toBeNull();
	});

	it("counts attempts on one row per step, and keeps the first error when the engine fails it later", async () => {
		await env.DB.batch([
			started("db-run-1", "evaluate", 2),
			stepEnded(env.DB, { run_id: "db-run-1", name: "evaluate", status: "failed", at: AT, error: "boom again" }),
			stepFailedOutside(env.DB, {
				run_id: "db-run-1",
				name: "evaluate",
				kind: "evaluate",
				at: AT,
				code_version: "v1",
				error: "engine",
			}),
			stepFailedOutside(env.DB, {
				run_id: "db-run-1",
				name: "features #0",
				kind: "features",
				at: AT,
				code_version: "v1",
				error: "x",
			}),
		]);
		const steps = new Map((await listSteps(env.DB, "db-run-1")).map((s) => [s.name, s]));
		expect(steps.get("evaluate")).toMatchObject({ attempts: 2, status: "failed", error: "boom again" });
		// A completed step is never marked failed afterwards.
		expect(steps.get("features #0")).toMatchObject({ status: "complete", error: null });
		expect([...steps.keys()]).toEqual(["features #0", "train #0", "evaluate"]);
	});
});

describe("step rows", () => {
	beforeAll(async () => {
		await insertRun(env.DB, {
			id: "db-run-2",
			trigger: "api",
			source: "sample",
			run_date: "2026-08-24",
			force: false,
			code_version: "v1",
			created_at: AT,
		}).run();
	});

	it("clears a failed attempt's error when the step is retried, and keeps the highest attempt", async () => {
		await env.DB.batch([
			started("db-run-2", "collect #0", 1, "v1", "h-collect"),
			stepEnded(env.DB, { run_id: "db-run-2", name: "collect #0", status: "failed", at: AT, error: "timeout" }),
			started("db-run-2", "collect #0", 3, "v1", "h-collect"),
			// A late report of an earlier attempt does not lower the count.
			started("db-run-2", "collect #0", 2, "v1", "h-collect"),
		]);
		expect((await listSteps(env.DB, "db-run-2"))[0]).toMatchObject({
			name: "collect #0",
			kind: "collect",
			status: "running",
			attempts: 3,
			error: null,
			ended_at: null,
		});
	});

	it("marks a step served from the cache, and the cache answers the newest outputs", async () => {
		await env.DB.batch([
			started("db-run-2", "features #1", 1, "v1", "h-shared"),
			stepEnded(env.DB, {
				run_id: "db-run-2",
				name: "features #1",
				status: "complete",
				at: "2026-08-24T03:00:00.000Z",
				outputs: { key: "older" },
			}),
			started("db-run-2", "features #2", 1, "v1", "h-shared"),
			stepEnded(env.DB, {
				run_id: "db-run-2",
				name: "features #2",
				status: "complete",
				at: "2026-08-24T04:00:00.000Z",
				outputs: { key: "newer" },
				cached: true,
			}),
		]);
		const steps = new Map((await listSteps(env.DB, "db-run-2")).map((s) => [s.name, s]));
		expect(steps.get("features #1")).toMatchObject({ cached: false, outputs: { key: "older" } });
		expect(steps.get("features #2")).toMatchObject({ cached: true, outputs: { key: "newer" } });
		expect(await findCachedOutputs(env.DB, { kind: "features", input_hash: "h-shared", code_version: "v1" })).toEqual({
			key: "newer",
		});
	});
});
