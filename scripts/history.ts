/**
 * The price history: what it holds, and seeding it from a price file.
 *
 *   npm run history -- list [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--source NAME] [--env staging|production]
 *   npm run history -- import PATH.csv[.gz] [--force] [--env staging|production]
 *
 * `import` validates the file here (nothing is uploaded when a line is bad), uploads it as an
 * import (content-addressed chunks, as `npm run pipeline -- --source file:` does), then merges it
 * into the history day by day and source by source (the file's `source` column) and follows the
 * seed to its end. Runs then read it: `npm run pipeline -- --source history --date D`.
 *
 * Exit status: 0 done, 1 failed, 2 bad usage or input.
 */
import { parseArgs } from "node:util";
import { isIsoDate } from "../src/model/card-series";
import { Api, localPort, remoteTarget, runCli, type Target, UsageError, withLocalWorker } from "./lib/api-client";
import { importFile, scanFile } from "./lib/import-file";
import { followSeed, seedLine, startSeed } from "./lib/seed-client";

const USAGE = `usage: npm run history -- list [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--source NAME] [--env staging|production]
       npm run history -- import PATH.csv[.gz] [--force] [--env staging|production]`;

type Day = { date: string; source: string; rows: number; version: string; written_at: string; written_by: string };

function parse() {
	try {
		return parseArgs({
			allowPositionals: true,
			options: {
				from: { type: "string" },
				to: { type: "string" },
				source: { type: "string" },
				env: { type: "string" },
				force: { type: "boolean", default: false },
				help: { type: "boolean", short: "h", default: false },
			},
		});
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\n${USAGE}`);
	}
}

async function list(api: Api, query: URLSearchParams): Promise<number> {
	const days: Day[] = [];
	let cursor: string | null = null;
	do {
		if (cursor) query.set("cursor", cursor);
		const answer = await api.request<{ data: Day[]; next_cursor: string | null }>("GET", `/v1/admin/history?${query}`);
		if (answer.status !== 200) throw new UsageError(`could not list the history: ${JSON.stringify(answer.body)}`);
		days.push(...answer.body.data);
		cursor = answer.body.next_cursor;
	} while (cursor);
	if (days.length === 0) {
		console.log("The history holds no day (in that range).");
		return 0;
	}
	const dates = new Set(days.map((d) => d.date));
	console.log(`${dates.size} day(s), ${days.length} day and source snapshot(s), newest first:`);
	for (const d of days)
		console.log(
			`  ${d.date}  ${d.source.padEnd(12)} ${String(d.rows).padStart(7)} prices  v=${d.version}  by ${d.written_by}`,
		);
	return 0;
}

async function run(): Promise<number> {
	const { values, positionals } = parse();
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	const [command, ...rest] = positionals;
	for (const name of ["from", "to"] as const) {
		const v = values[name];
		if (v !== undefined && !isIsoDate(v)) throw new UsageError(`--${name} must be YYYY-MM-DD, got "${v}"\n${USAGE}`);
	}
	const go = async (target: Target) => {
		const api = new Api(target);
		if (command === "list") {
			const query = new URLSearchParams({ limit: "100" });
			for (const name of ["from", "to", "source"] as const) if (values[name]) query.set(name, values[name] as string);
			return list(api, query);
		}
		const path = rest[0] as string;
		const scanned = await scanFile(path);
		console.log(`History on ${target.label}`);
		const source = await importFile(api, path, console.log, scanned);
		const { seed, reused } = await startSeed(api, source.slice(5), values.force);
		console.log(reused ? `This import was seeded before (${seed.id}); --force seeds it again.` : `Seed ${seed.id}:`);
		const done = await followSeed(api, seed.id);
		console.log(seedLine(done));
		return done.status === "complete" ? 0 : 1;
	};
	if (command === "import" && rest.length !== 1) throw new UsageError(`import takes one file\n${USAGE}`);
	if (command !== "list" && command !== "import") throw new UsageError(USAGE);
	return values.env !== undefined ? go(remoteTarget(values.env)) : withLocalWorker(localPort(), go);
}

await runCli(run);
