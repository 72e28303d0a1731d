/**
 * Start a pipeline run and follow it step by step until it ends.
 *
 *   npm run pipeline -- [--date YYYY-MM-DD] [--source live|sample|file:PATH.csv] [--env staging|production] [--force]
 *
 * Locally (no --env) it talks to the Worker on http://localhost:$PORT (8787), starting one for
 * the run if none answers. With --env it talks to POKEWATCH_URL with POKEWATCH_API_KEY.
 * A file is validated here first (every bad line and field is listed and nothing is imported),
 * then uploaded and validated again by the Worker.
 *
 * Exit status: 0 complete, 3 rejected by the validation gate, 1 failed, 2 bad usage or input.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CsvImportError, parsePriceCsv } from "../src/lib/csv";
import { isIsoDate } from "../src/model/card-series";
import { Api, localPort, remoteTarget, runCli, type Target, UsageError, withLocalWorker } from "./lib/api-client";
import { ensureSample, exitCode, followRun, startRun, summarise, uploadFile } from "./lib/pipeline-client";

const USAGE =
	"usage: npm run pipeline -- [--date YYYY-MM-DD] [--source live|sample|file:PATH.csv] [--env staging|production] [--force]";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}

/** Reads and validates a price file locally; throws a UsageError listing every bad line and field. */
async function readValidFile(path: string): Promise<string> {
	const text = await readFile(path, "utf8").catch((error: Error) => {
		throw new UsageError(`cannot read ${path}: ${error.message}`);
	});
	try {
		const rows = parsePriceCsv(text, "file");
		console.log(`${path}: ${rows.length} prices, ${new Set(rows.map((r) => r.card_id)).size} cards, valid.`);
		return text;
	} catch (error) {
		if (!(error instanceof CsvImportError)) throw error;
		const lines = error.issues.slice(0, 50).map((i) => `  line ${i.line}, field ${i.field}: ${i.message}`);
		const more = error.issues.length > 50 ? `\n  … and ${error.issues.length - 50} more` : "";
		throw new UsageError(
			`${path} has ${error.issues.length} bad value(s); nothing was imported:\n${lines.join("\n")}${more}`,
		);
	}
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: {
			date: { type: "string" },
			source: { type: "string", default: "sample" },
			env: { type: "string" },
			force: { type: "boolean", default: false },
		},
	});
	if (values.date !== undefined && !isIsoDate(values.date))
		throw new UsageError(`--date must be YYYY-MM-DD, got "${values.date}"\n${USAGE}`);
	const source = values.source;
	if (source !== "sample" && source !== "live" && !source.startsWith("file:"))
		throw new UsageError(`--source must be live, sample or file:PATH.csv, got "${source}"\n${USAGE}`);
	const fileText = source.startsWith("file:") ? await readValidFile(source.slice(5)) : null;
	const go = async (target: Target) => {
		const api = new Api(target);
		console.log(`Pipeline on ${target.label}`);
		let runSource = source;
		if (fileText !== null) runSource = await uploadFile(api, fileText);
		if (source === "sample" && (await ensureSample(api)) === "uploaded") console.log("  uploaded the shipped sample");
		const { id, reused } = await startRun(api, {
			source: runSource,
			trigger: "cli",
			force: values.force,
			...(values.date ? { date: values.date } : {}),
		});
		console.log(
			reused
				? `Run ${id} already exists for this date, source and code version (use --force for a new one):`
				: `Run ${id}:`,
		);
		const run = await followRun(api, id);
		console.log(summarise(run));
		return exitCode(run);
	};
	return values.env !== undefined ? go(remoteTarget(values.env)) : withLocalWorker(localPort(), go);
}

await runCli(main);
