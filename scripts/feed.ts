/**
 * `npm run feed -- serve [--port 8790] [--day YYYY-MM-DD] [--size small|full] [--seed N] [--archives PATH]`
 * `npm run feed -- replay FROM..TO [--port 8790] [--size small|full] [--seed N] [--archives PATH]`
 *
 * `serve` serves the synthetic TCGCSV feed (scripts/lib/feed/synthetic-feed.ts) on loopback, for
 * local runs of the Worker's feed collection: `/last-updated.txt` and `/tcgplayer/…` for the day
 * chosen, plus the control endpoints (day, faults, request log, reset; also under /s/<scope>/).
 * Runs until interrupted. `replay` serves it too, and night by night moves its day and has the
 * local Worker collect that night (`npm run pipeline -- --source tcgcsv --date D`): the Worker
 * on $PORT must have been started with TCGCSV_BASE_URL pointing here (one started for the
 * command is). With --archives, the host serves TCGCSV's real archived prices instead
 * (scripts/lib/feed/archive-feed.ts): each archive's day, with groups and products built around
 * its prices.
 */
import { parseArgs } from "node:util";
import { isIsoDate } from "../src/model/card-series";
import { addDays } from "../src/model/dates";
import { Api, localPort, runCli, UsageError, withLocalWorker } from "./lib/api-client";
import { archivePaths } from "./lib/backfill";
import { ArchiveFeed } from "./lib/feed/archive-feed";
import { startFeedHost } from "./lib/feed/feed-host";
import type { FeedModel } from "./lib/feed/feed-model";
import { FEED_SIZES, SyntheticFeed } from "./lib/feed/synthetic-feed";
import { replayFeedNights } from "./lib/feed-replay";

const USAGE = `usage: npm run feed -- serve [--port 8790] [--day YYYY-MM-DD] [--size small|full] [--seed N] [--archives PATH]
       npm run feed -- replay FROM..TO [--port 8790] [--size small|full] [--seed N] [--archives PATH]
  --port  TCP port on 127.0.0.1 (0: any free one; default 8790)
  --day   the day served first (default: the feed's first day, 2026-11-01)
  --size  small (10 groups, ~850 series; default) or full (650 groups, ~64,700 series)
  --seed  integer seed of the synthetic catalogue and prices (default 1)
  --archives  serve TCGCSV's real archived prices instead: a prices-YYYY-MM-DD.ppmd.7z or a directory of them
              (categories 3 and 85; groups and products are built around the prices, named "Archived …")`;

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	if (args.includes("--help") || args.includes("-h")) {
		console.log(USAGE);
		return 0;
	}
	let parsed: ReturnType<typeof parse>;
	try {
		parsed = parse(args);
	} catch (error) {
		throw new UsageError(`${(error as Error).message}\n${USAGE}`);
	}
	const { values, positionals } = parsed;
	const replay = positionals[0] === "replay" && positionals.length === 2 ? replayRange(positionals[1] as string) : null;
	if (!replay && (positionals.length !== 1 || positionals[0] !== "serve"))
		throw new UsageError(
			`${positionals.length ? `unknown command "${positionals.join(" ")}"` : "a command is required"}\n${USAGE}`,
		);
	const port = Number(values.port);
	if (!/^\d{1,5}$/.test(values.port) || port > 65535)
		throw new UsageError(`--port must be a TCP port number, got "${values.port}"\n${USAGE}`);
	if (values.size !== "small" && values.size !== "full")
		throw new UsageError(`--size must be small or full, got "${values.size}"\n${USAGE}`);
	if (!/^-?\d{1,9}$/.test(values.seed))
		throw new UsageError(`--seed must be an integer, got "${values.seed}"\n${USAGE}`);
	const synthetic = new SyntheticFeed({ seed: Number(values.seed), categories: FEED_SIZES[values.size] });
	const archived = values.archives ? await ArchiveFeed.open(await archivePaths(values.archives), [3, 85]) : null;
	const feed: FeedModel = archived ?? synthetic;
	const day = values.day ?? replay?.[0] ?? archived?.days[0] ?? synthetic.firstDay;
	if (!isIsoDate(day)) throw new UsageError(`--day must be a YYYY-MM-DD date, got "${day}"\n${USAGE}`);
	const host = await startFeedHost({ feed, day, port });
	if (replay) {
		// A Worker started for this command is pointed here (scripts/lib/wrangler-dev.ts passes it on).
		process.env.TCGCSV_BASE_URL = host.url;
		console.log(
			`${archived ? "Archived" : "Synthetic"} TCGCSV feed on ${host.url}; replaying ${replay.length} night(s) ${replay[0]}..${replay.at(-1)}:`,
		);
		try {
			const results = await withLocalWorker(localPort(), (target) => replayFeedNights(new Api(target), host, replay));
			const failed = results.filter((r) => r.status === "failed").length;
			console.log(
				`Replay done: ${results.length - failed} of ${replay.length} nights ran${failed ? `, ${failed} failed` : ""}.`,
			);
			return failed > 0 || results.length < replay.length ? 1 : 0;
		} finally {
			await host.close();
		}
	}
	const series = synthetic.sizes.reduce((n, c) => n + c.series, 0);
	console.log(
		archived
			? `Archived TCGCSV feed (${archived.days.length} day(s), ${archived.days[0]}..${archived.days.at(-1)}) on ${host.url}`
			: `Synthetic TCGCSV feed (seed ${synthetic.seed}, ${values.size}: ${synthetic.groupList().length} groups, ~${series} series) on ${host.url}`,
	);
	console.log(`  serving ${day}; categories ${archived ? "3, 85" : synthetic.sizes.map((c) => c.id).join(", ")}`);
	console.log(`  GET  ${host.url}/last-updated.txt`);
	console.log(`  GET  ${host.url}/tcgplayer/{categoryId}/groups | /{groupId}/products | /{groupId}/prices`);
	console.log(`  POST ${host.url}/__control/day       {"day": "YYYY-MM-DD", "published": true}`);
	console.log(
		`  POST ${host.url}/__control/faults    {"faults": [{"path": "/tcgplayer/3/…/prices", "status": 503, "times": 5}], "down": false}`,
	);
	console.log(`  GET  ${host.url}/__control/requests  (POST ${host.url}/__control/reset clears it and the faults)`);
	console.log(`  every route also under ${host.url}/s/<scope>/… with its own day, faults and log. Ctrl-C stops.`);
	await new Promise<void>((resolve) => {
		process.once("SIGINT", resolve);
		process.once("SIGTERM", resolve);
	});
	await host.close();
	return 0;
}

/** The nights of `FROM..TO`, at most a year of them. */
function replayRange(range: string): string[] {
	const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(range);
	if (!m || !isIsoDate(m[1] as string) || !isIsoDate(m[2] as string) || (m[1] as string) > (m[2] as string))
		throw new UsageError(`replay takes FROM..TO (YYYY-MM-DD..YYYY-MM-DD, FROM first), got "${range}"\n${USAGE}`);
	const nights: string[] = [];
	for (let d = m[1] as string; d <= (m[2] as string); d = addDays(d, 1)) nights.push(d);
	if (nights.length > 366) throw new UsageError("replay: at most 366 nights at a time");
	return nights;
}

function parse(args: string[]) {
	return parseArgs({
		args,
		allowPositionals: true,
		options: {
			port: { type: "string", default: "8790" },
			day: { type: "string" },
			size: { type: "string", default: "small" },
			seed: { type: "string", default: "1" },
			archives: { type: "string", multiple: true },
		},
	});
}

await runCli(main);
