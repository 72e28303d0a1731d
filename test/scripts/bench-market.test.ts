import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";

type Run = { code: number; stdout: string; stderr: string };
const bench = (...args: string[]) =>
	new Promise<Run>((resolve) =>
		execFile(
			bin("tsx"),
			["scripts/bench.ts", "market", ...args],
			{ cwd: ROOT, env: childEnv(), timeout: 240_000 },
			(error, stdout, stderr) =>
				resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
		),
	);

type Night = { night: string; status: string; cards: number; requests: Record<string, number> };
type Measured = {
	step: string;
	peak_heap_bytes: number;
	subrequests: { fetches: number; r2: number; d1: number; total: number };
};

describe("npm run bench -- market, on the small feed", () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), "pokewatch-bench-market-"));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it("refuses a bad size", async () => {
		const run = await bench("--feed", "huge");
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('--feed must be small or full, got "huge"');
	});

	it("runs two nights through the Workflow, times catalogue pages, and measures the feed steps and a history shard in Node", async () => {
		const out = join(dir, "market.json");
		const run = await bench("--feed", "small", "--nights", "2", "--history-days", "10", "--repeat", "2", "--out", out);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(
			/night 2026-11-01: (complete|rejected) in [\d.]+ s, [\d,]+ cards published; feed requests \d+/,
		);
		const report = JSON.parse(await readFile(out, "utf8")) as {
			groups: number;
			nights: Night[];
			catalogue: { query: string; status: number; items: number }[];
			node: { steps: Measured[]; history: { days: number; cards_per_day: number } };
		};
		expect(report.groups).toBe(10);
		const [first, second] = report.nights as [Night, Night];
		// The first night fetches every group's products and prices; the next only prices (no group changed).
		expect(first.requests).toMatchObject({ groups: 2, products: 10, prices: 10 });
		expect(second.requests.prices).toBe(10);
		expect(second.requests.products).toBeLessThan(10);
		expect(first.cards).toBeGreaterThan(600);
		for (const q of report.catalogue) expect(q.status, q.query).toBe(200);
		expect(report.catalogue.find((q) => q.query === "/v1/cards?limit=100")?.items).toBe(100);
		const steps = report.node.steps.map((s) => s.step);
		expect(steps).toEqual(expect.arrayContaining(["check feed", "collect feed #0", "commit day", "plan shards"]));
		const shard = steps.find((s) => /^collect #\d+$/.test(s))?.slice("collect ".length);
		expect(shard).toBeDefined();
		expect(steps).toContain(`features ${shard}`);
		const collectFeed = report.node.steps.find((s) => s.step === "collect feed #0") as Measured;
		expect(collectFeed.subrequests.fetches).toBeGreaterThanOrEqual(10);
		expect(collectFeed.subrequests.total).toBe(
			collectFeed.subrequests.fetches + collectFeed.subrequests.r2 + collectFeed.subrequests.d1,
		);
		expect(report.node.history).toMatchObject({ days: 9 });
		expect(report.node.history.cards_per_day).toBeGreaterThan(600);
	}, 240_000);
});
