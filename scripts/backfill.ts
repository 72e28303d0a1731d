/**
 * Backfills the price history from TCGCSV's daily archives an operator already holds.
 *
 *   npm run backfill -- PATH… [--categories 3,85] [--force] [--env staging|production]
 *
 * PATH is a `prices-YYYY-MM-DD.ppmd.7z` file or a directory of them. Each archive is read here
 * in Node (7-Zip PPMd through 7z-wasm), its categories' prices become that day's series as the
 * nightly collection reads them, and the day goes into the history through the import path (a
 * price file of source `tcgcsv`, uploaded in chunks, then merged by a seed), oldest day first,
 * with progress. The same day collected by the nightly run and backfilled gives the same
 * history; a day backfilled before is recognised and left as it is. Without --env it runs
 * against a local Worker (started for the command when none is running).
 *
 * Exit status: 0 done, 1 a seed failed, 2 bad usage or an unreadable archive.
 */
import { parseArgs } from "node:util";
import { Api, localPort, remoteTarget, runCli, type Target, UsageError, withLocalWorker } from "./lib/api-client";
import { archivePaths, backfill, DEFAULT_CATEGORIES, parseCategoryList } from "./lib/backfill";

const USAGE = `usage: npm run backfill -- PATH… [--categories 3,85] [--force] [--env staging|production]
  PATH          a TCGCSV archive (prices-YYYY-MM-DD.ppmd.7z) or a directory of them
  --categories  the TCGCSV categories to load, comma-separated (default 3,85: English and Japanese Pokémon)
  --force       merge a day again even when its archive was backfilled before
  --env         a deployed environment (its URL in POKEWATCH_URL, an admin key in POKEWATCH_API_KEY)`;

function parse() {
	try {
		return parseArgs({
			allowPositionals: true,
			options: {
				categories: { type: "string", default: DEFAULT_CATEGORIES.join(",") },
				force: { type: "boolean", default: false },
				env: { type: "string" },
				help: { type: "boolean", short: "h", default: false },
			},
		});
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\n${USAGE}`);
	}
}

async function run(): Promise<number> {
	const { values, positionals } = parse();
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	if (positionals.length === 0) throw new UsageError(`name at least one archive or directory\n${USAGE}`);
	let categories: number[];
	try {
		categories = parseCategoryList(values.categories);
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\n${USAGE}`);
	}
	const archives = await archivePaths(positionals);
	const go = async (target: Target) => {
		console.log(
			`Backfilling ${archives.length} day(s) of categor${categories.length === 1 ? "y" : "ies"} ${categories.join(", ")} into the history on ${target.label}`,
		);
		const days = await backfill(new Api(target), archives, { categories, force: values.force });
		const failed = days.find((d) => d.seed.status === "failed");
		const rows = days.reduce((n, d) => n + d.rows, 0);
		console.log(
			failed
				? `Stopped at ${failed.date}: its seed failed; the days before it are in the history.`
				: `Backfilled ${days.length} day(s), ${rows} prices (${days.filter((d) => d.reused).length} backfilled before).`,
		);
		return failed ? 1 : 0;
	};
	return values.env !== undefined ? go(remoteTarget(values.env)) : withLocalWorker(localPort(), go);
}

await runCli(run);
