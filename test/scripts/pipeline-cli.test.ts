import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";

// The pipeline and models CLIs refuse bad input before they contact any Worker: these run the
// real `tsx scripts/...` processes with a PORT nothing listens on and no remote configured.

let dir: string;

function cli(script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(
			bin("tsx"),
			[`scripts/${script}.ts`, ...args],
			{ cwd: ROOT, env: childEnv({ PORT: "1", POKEWATCH_URL: "", POKEWATCH_API_KEY: "" }), timeout: 45_000 },
			(error, stdout, stderr) =>
				resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
		);
	});
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "pokewatch-pipeline-cli-"));
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe("npm run pipeline: input checked before anything is imported", () => {
	it("lists every bad line and field of a file, imports nothing, and exits 2", async () => {
		const path = join(dir, "bad.csv");
		await writeFile(
			path,
			[
				"card_id,card_name,set_name,date,market_price",
				"cli-a,Card A,Set,2026-05-01,10",
				"cli-a,Card A,Set,2026-05-32,11",
				"CLI B,Card B,,2026-05-01,-3",
			].join("\n"),
		);
		const { code, stderr, stdout } = await cli("pipeline", "--source", `file:${path}`);
		expect(code).toBe(2);
		expect(stderr).toContain(`${path} has 4 bad value(s); nothing was imported:`);
		expect(stderr).toContain('line 3, field date: "2026-05-32" is not a YYYY-MM-DD date');
		expect(stderr).toContain('line 4, field card_id: "CLI B" is not a card id');
		expect(stderr).toContain("line 4, field set_name: is empty");
		expect(stderr).toContain('line 4, field market_price: "-3" is not a positive number');
		// It stopped before looking for a Worker.
		expect(stdout).not.toContain("starting one");
	});

	it("refuses a missing file, a bad date, an unknown source and a bad environment", async () => {
		const [missing, date, source, remote, env] = await Promise.all([
			cli("pipeline", "--source", `file:${join(dir, "none.csv")}`),
			cli("pipeline", "--date", "2026-13-01"),
			cli("pipeline", "--source", "ftp"),
			cli("pipeline", "--env", "staging"),
			cli("pipeline", "--env", "moon"),
		]);
		expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read") });
		expect(date).toMatchObject({ code: 2, stderr: expect.stringContaining("--date must be YYYY-MM-DD") });
		expect(source).toMatchObject({ code: 2, stderr: expect.stringContaining("--source must be") });
		expect(remote).toMatchObject({ code: 2, stderr: expect.stringContaining("needs POKEWATCH_URL") });
		expect(env).toMatchObject({ code: 2, stderr: expect.stringContaining("--env must be staging or production") });
	});
});

describe("npm run models", () => {
	it("explains its usage", async () => {
		expect(await cli("models")).toMatchObject({ code: 2, stderr: expect.stringContaining("usage: npm run models") });
		expect(await cli("models", "promote")).toMatchObject({
			code: 2,
			stderr: expect.stringContaining("promote needs a version"),
		});
	});
});
