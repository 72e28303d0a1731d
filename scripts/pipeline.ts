/**
 * Start a pipeline run and follow it step by step until it ends; or replay a range of nights.
 *
 *   npm run pipeline -- [--date YYYY-MM-DD | --replay FROM..TO [--every N]]
 *                       [--source sample|tcgcsv|live|history|file:PATH] [--env staging|production] [--force]
 *
 * Locally (no --env) it talks to the Worker on http://localhost:$PORT (8787), starting one for
 * the command if none answers. With --env it talks to POKEWATCH_URL with POKEWATCH_API_KEY.
 * A file (CSV or .csv.gz, any size) is validated here first (every bad line and field is listed
 * and nothing is imported), then imported in chunks and validated again by the Worker.
 *
 * Exit status: 0 complete, 3 rejected by the validation gate (the night's prices were still
 * published, with the champion), 1 failed, 2 bad usage or input. A replay exits 1 if any night
 * failed, else 0.
 */
import { parseArgs } from "node:util";
import { isIsoDate } from "../src/model/card-series";
import { addDays, daysBetween } from "../src/model/dates";
import { Api, localPort, remoteTarget, runCli, type Target, UsageError, withLocalWorker } from "./lib/api-client";
import { importFile, scanFile } from "./lib/import-file";
import {
	ensureSample,
	exitCode,
	followRun,
	nightLine,
	startRun,
	summarise,
	waitUntilServed,
} from "./lib/pipeline-client";

const USAGE = `usage: npm run pipeline -- [--date YYYY-MM-DD | --replay FROM..TO [--every N]]
                         [--source sample|tcgcsv|live|history|file:PATH.csv[.gz]] [--env staging|production] [--force]`;

/** The sources a run can name (a file is imported first). */
const SOURCES = ["sample", "tcgcsv", "live", "history"];

/** The nights of `FROM..TO` every `every` days. */
export function replayNights(range: string, every: number): string[] {
	const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(range);
	if (!m || !isIsoDate(m[1] as string) || !isIsoDate(m[2] as string))
		throw new UsageError(`--replay must be FROM..TO (YYYY-MM-DD..YYYY-MM-DD), got "${range}"\n${USAGE}`);
	const [from, to] = [m[1] as string, m[2] as string];
	if (from > to) throw new UsageError(`--replay: ${from} is after ${to}`);
	if (daysBetween(from, to) / every > 3660) throw new UsageError("--replay: at most 3660 nights at a time");
	const nights: string[] = [];
	for (let d = from; d <= to; d = addDays(d, every)) nights.push(d);
	return nights;
}

/** The parsed command line, or a usage error. */
function parse() {
	try {
		return parseArgs({
			options: {
				date: { type: "string" },
				replay: { type: "string" },
				every: { type: "string", default: "1" },
				source: { type: "string", default: "sample" },
				env: { type: "string" },
				force: { type: "boolean", default: false },
			},
		}).values;
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\n${USAGE}`);
	}
}

async function run(): Promise<number> {
	if (process.argv.includes("--help") || process.argv.includes("-h")) {
		console.log(USAGE);
		return 0;
	}
	const values = parse();
	if (values.date !== undefined && !isIsoDate(values.date))
		throw new UsageError(`--date must be YYYY-MM-DD, got "${values.date}"\n${USAGE}`);
	if (values.date !== undefined && values.replay !== undefined)
		throw new UsageError(`--date and --replay exclude each other\n${USAGE}`);
	const every = Number(values.every);
	if (!Number.isInteger(every) || every < 1 || every > 365)
		throw new UsageError(`--every must be a whole number of days from 1 to 365\n${USAGE}`);
	const nights = values.replay !== undefined ? replayNights(values.replay, every) : null;
	const source = values.source;
	if (!SOURCES.includes(source) && !source.startsWith("file:"))
		throw new UsageError(`--source must be sample, tcgcsv, live, history or file:PATH.csv, got "${source}"\n${USAGE}`);
	// A file is validated in full before any Worker is reached: a bad file imports nothing.
	const scanned = source.startsWith("file:") ? await scanFile(source.slice(5)) : null;
	const go = async (target: Target) => {
		const api = new Api(target);
		console.log(`Pipeline on ${target.label}`);
		let runSource = source;
		if (scanned) runSource = await importFile(api, scanned.path, console.log, scanned);
		if (source === "sample" && (await ensureSample(api)) === "uploaded") console.log("  uploaded the shipped sample");
		if (!nights) {
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
			const result = await followRun(api, id);
			console.log(summarise(result));
			await waitUntilServed(api, result);
			return exitCode(result);
		}
		// A replay: night after night, as a new deployment would backfill its history.
		let failed = 0;
		console.log(
			`Replaying ${nights.length} night(s) ${nights[0]}..${nights.at(-1)}${every > 1 ? ` every ${every} days` : ""}:`,
		);
		for (const [k, night] of nights.entries()) {
			const { id } = await startRun(api, { source: runSource, trigger: "cli", force: values.force, date: night });
			const result = await followRun(api, id, () => undefined);
			await waitUntilServed(api, result);
			if (result.status === "failed") failed++;
			console.log(`  [${k + 1}/${nights.length}] ${nightLine(result)}`);
		}
		console.log(
			`Replay done: ${nights.length - failed} of ${nights.length} nights ran${failed ? `, ${failed} failed` : ""}.`,
		);
		return failed > 0 ? 1 : 0;
	};
	return values.env !== undefined ? go(remoteTarget(values.env)) : withLocalWorker(localPort(), go);
}

await runCli(run);
