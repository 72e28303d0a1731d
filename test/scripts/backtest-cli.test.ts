import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";

// npm run backtest needs no Worker: the model code runs in Node on a price file.

let dir: string;

function backtest(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(
			bin("tsx"),
			["scripts/backtest.ts", ...args],
			{ cwd: ROOT, env: childEnv(), timeout: 120_000 },
			(e, o, r) => resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, stdout: o, stderr: r }),
		);
	});
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "pokewatch-backtest-"));
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("npm run backtest", () => {
	it("replays two nights of the sample and prints the table for the served model, the learned one and every baseline", async () => {
		const out = join(dir, "backtest.json");
		const run = await backtest(
			"--file",
			"data/sample/card_prices.csv",
			"--from",
			"2026-08-01",
			"--to",
			"2026-08-08",
			"--every",
			"7",
			"--json",
			out,
		);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain("nights 2026-08-01..2026-08-08 every 7; horizon 7 days, move 0.05");
		expect(run.stdout).toMatch(/BUY signals decided\s+right\s+prec\.\s+base\s+edge/);
		for (const name of ["served (gated)", "trailing_mean_3/b0.1/s0.15", "momentum_7/0.1", "hold"])
			expect(run.stdout).toContain(name);
		expect(run.stdout).toContain("largest splits by loss reduction");
		const report = JSON.parse(await readFile(out, "utf8")) as {
			metrics: { name: string; metrics: { buy: { base_rate: number | null } } }[];
		};
		const names = report.metrics.map((m) => m.name);
		expect(names).toContain("served (gated)");
		// Every candidate is scored on the same days: one base rate for all of them.
		const bases = new Set(
			report.metrics.filter((m) => !m.name.startsWith("learned")).map((m) => m.metrics.buy.base_rate),
		);
		expect(bases.size).toBe(1);
	}, 150_000);

	it("refuses a bad option with its usage and exit status 2", async () => {
		const run = await backtest("--file", "data/sample/card_prices.csv", "--every", "0");
		expect(run.code).toBe(2);
		expect(run.stderr).toContain("--every must be a number from 1 to 365");
	});
});
