import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	kindRows,
	printableKinds,
	printableSteps,
	type StepLog,
	type StepRow,
	type StepView,
	stepRows,
	totalsOf,
} from "../../scripts/bench/pipeline-report";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";

const io = (reads: number, maxRead: number, writes: number) => ({
	reads,
	read_bytes: reads * maxRead,
	max_read_bytes: maxRead,
	max_read_key: reads ? "k" : null,
	writes,
	write_bytes: writes * 10,
	max_write_bytes: writes ? 10 : 0,
});
const step = (name: string, at: number, ms: number, outputs: unknown = {}): StepView => ({
	name,
	status: "complete",
	attempts: 1,
	cached: false,
	started_at: new Date(at).toISOString(),
	ended_at: new Date(at + ms).toISOString(),
	outputs,
});
const T = Date.parse("2026-10-31T03:00:00Z");

describe("the pipeline benchmark's tables (pure)", () => {
	const steps = [
		step("plan shards", T, 5, { cards: 3, shards: [] }),
		step("collect #0", T + 10, 40, { rows: 100, cards: 2 }),
		step("collect #1", T + 50, 30, { rows: 60, cards: 1 }),
		step("check collection", T + 80, 2),
		step("features #0", T + 90, 70, { rows: 100, sampled: 40 }),
		step("features #1", T + 160, 50, { rows: 60, sampled: 20 }),
		step("assemble", T + 210, 10, { rows: 60 }),
		step("fit #0", T + 220, 20, { judged: 30 }),
		step("fit #1", T + 240, 10, { judged: 25 }),
		step("fit final", T + 250, 8, { rows: 55 }),
		step("evaluate", T + 258, 8),
		step("validate", T + 266, 4),
		step("publish #0", T + 270, 30, { cards: 2 }),
		step("finalize", T + 300, 5),
	];
	const logs: StepLog[] = [
		{ step: "features #0", attempt: 1, duration_ms: 99, outcome: "failed", io: io(1, 999, 0) },
		{ step: "features #0", attempt: 2, duration_ms: 70, outcome: "complete", io: io(1, 2048, 2) },
		{ step: "fit #0", attempt: 1, duration_ms: 20, outcome: "complete", io: io(1, 5000, 1) },
		{ step: "evaluate", attempt: 1, duration_ms: 8, outcome: "complete", io: io(4, 300, 1) },
	];
	const rows = stepRows(steps, logs, [{ step: "features #0", cpu_ms: 12, wall_ms: 15, peak_heap_bytes: 3 * 2 ** 20 }]);
	const byStep = new Map(rows.map((r) => [r.step, r]));

	it("follows the rows from the step that wrote them, and takes the last attempt's R2 traffic", () => {
		expect(byStep.get("plan shards")).toMatchObject({ kind: "plan shards", rows_out: 3, wall_ms: 5 });
		expect(byStep.get("collect #1")).toMatchObject({ kind: "collect", rows_in: null, rows_out: 60 });
		expect(byStep.get("check collection")).toMatchObject({ rows_in: 160 });
		expect(byStep.get("features #0")).toMatchObject({
			rows_in: 100,
			rows_out: 100,
			max_read_bytes: 2048,
			writes: 2,
			node_cpu_ms: 12,
			node_peak_heap_bytes: 3 * 2 ** 20,
		} satisfies Partial<StepRow>);
		expect(byStep.get("assemble")).toMatchObject({ rows_in: 60, rows_out: 60 });
		expect(byStep.get("fit #1")).toMatchObject({ rows_in: 60, rows_out: 25, reads: null, node_cpu_ms: null });
		expect(byStep.get("fit final")).toMatchObject({ rows_in: 60, rows_out: 55 });
		expect(byStep.get("evaluate")).toMatchObject({ rows_in: 60, reads: 4 });
		expect(byStep.get("publish #0")).toMatchObject({ rows_in: 100, rows_out: 2 });
		expect(byStep.get("finalize")).toMatchObject({ rows_in: 2 });
	});

	it("groups by kind and totals the run", () => {
		const kinds = kindRows(rows);
		expect(kinds.map((k) => k.kind)).toEqual([
			"plan shards",
			"collect",
			"check collection",
			"features",
			"assemble",
			"fit",
			"fit final",
			"evaluate",
			"validate",
			"publish",
			"finalize",
		]);
		expect(kinds.find((k) => k.kind === "features")).toMatchObject({
			steps: 2,
			wall_ms_total: 120,
			wall_ms_max: 70,
			rows_in_max: 100,
			max_read_bytes: 2048,
			node_peak_heap_bytes: 3 * 2 ** 20,
		});
		const totals = totalsOf(rows, {
			created_at: new Date(T - 100).toISOString(),
			ended_at: new Date(T + 300).toISOString(),
		});
		expect(totals).toMatchObject({
			steps: 14,
			run_wall_ms: 400,
			steps_wall_ms: 292,
			rows_collected: 160,
			r2_reads: 6,
			r2_writes: 4,
			largest_read_bytes: 5000,
		});
		expect(printableSteps(rows)[4]).toMatchObject({
			step: "features #0",
			"largest read": "2.0 KB",
			"Node peak heap": "3.0 MB",
		});
		expect(printableKinds(kinds)[1]).toMatchObject({ kind: "collect", steps: "2", "largest read": "" });
	});
});

describe("npm run bench -- pipeline, on a tiny run", () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), "pokewatch-bench-pipeline-"));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it("runs the real Workflow on synthetic prices to its end, prints the tables and writes the JSON", async () => {
		const out = join(dir, "pipeline.json");
		const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
			execFile(
				bin("tsx"),
				[
					"scripts/bench.ts",
					"pipeline",
					"--cards",
					"24",
					"--days",
					"120",
					"--seed",
					"7",
					"--shard-cards",
					"10",
					"--out",
					out,
				],
				{ cwd: ROOT, env: childEnv(), timeout: 50_000 },
				(error, stdout, stderr) =>
					resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
			);
		});
		expect(code, stderr).toBe(0);
		expect(stdout).toContain("running the pipeline on synthetic:24x120:7");
		expect(stdout).toContain("Node peak heap");
		const report = JSON.parse(await readFile(out, "utf8"));
		expect(report).toMatchObject({
			source: "synthetic:24x120:7",
			shard_cards: 10,
			// Synthetic random walks hold no signal: the gate may keep always-HOLD, and the run still publishes.
			run: { status: expect.stringMatching(/^(complete|rejected)$/) },
		});
		const names = (report.steps as StepRow[]).map((s) => s.step);
		for (const kind of ["collect", "features", "publish"])
			expect(names.filter((n) => n.startsWith(`${kind} #`))).toHaveLength(3);
		for (const s of report.steps as StepRow[]) expect(s.wall_ms, s.step).toBeGreaterThanOrEqual(0);
		const features = (report.steps as StepRow[]).find((s) => s.step === "features #0");
		// It read its shard's raw prices, labelled synthetic in their key.
		expect(features?.max_read_key).toMatch(/^raw\/date=2026-10-31\/source=synthetic-24x120-7\/part-0000\.parquet$/);
		expect(features?.max_read_bytes).toBeGreaterThan(0);
		// Node figures for the largest shard's steps and the all-shard steps.
		const measured = (report.steps as StepRow[])
			.filter((s) => s.node_cpu_ms !== null)
			.map((s) => s.step.replace(/#\d+$/, "#"));
		expect(measured).toEqual([
			"collect #",
			"features #",
			"assemble",
			"fit #",
			"fit final",
			"evaluate",
			"validate",
			"publish #",
			"finalize",
		]);
		expect(report.totals.rows_collected).toBeGreaterThan(24 * 120 * 0.4);
	});
});
