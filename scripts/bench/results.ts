import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { ROOT, run } from "../lib/local";

/**
 * Writes a benchmark's figures as JSON, stamped with the commit, the date and the machine, to
 * `out` or `bench-results/<name>-<commit>.json`, and says where. Returns the path.
 */
export async function writeBenchResults(name: string, out: string | undefined, figures: object): Promise<string> {
	const commit = (await run("git", ["rev-parse", "--short", "HEAD"], { quiet: true }).catch(() => "unknown")).trim();
	const path = out ?? join(ROOT, "bench-results", `${name}-${commit}.json`);
	await mkdir(dirname(path), { recursive: true });
	const machine = {
		cpus: cpus().length,
		cpu_model: cpus()[0]?.model,
		memory_gib: Math.round(totalmem() / 2 ** 30),
		node: process.version,
	};
	await writeFile(
		path,
		`${JSON.stringify({ commit, date: new Date().toISOString(), machine, ...figures }, null, 2)}\n`,
	);
	console.log(`figures written to ${path}`);
	return path;
}
