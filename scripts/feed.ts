/**
 * `npm run feed -- serve [--port 8790] [--day YYYY-MM-DD] [--size small|full] [--seed N]`
 *
 * Serves the synthetic TCGCSV feed (scripts/lib/feed/synthetic-feed.ts) on loopback, for local
 * runs of the Worker's feed collection: `/last-updated.txt` and `/tcgplayer/…` for the day
 * chosen, plus the control endpoints (day, faults, request log, reset; also under /s/<scope>/).
 * Runs until interrupted.
 */
import { parseArgs } from "node:util";
import { isIsoDate } from "../src/model/card-series";
import { runCli, UsageError } from "./lib/api-client";
import { startFeedHost } from "./lib/feed/feed-host";
import { FEED_SIZES, SyntheticFeed } from "./lib/feed/synthetic-feed";

const USAGE = `usage: npm run feed -- serve [--port 8790] [--day YYYY-MM-DD] [--size small|full] [--seed N]
  --port  TCP port on 127.0.0.1 (0: any free one; default 8790)
  --day   the day served first (default: the feed's first day, 2026-11-01)
  --size  small (10 groups, ~850 series; default) or full (650 groups, ~64,700 series)
  --seed  integer seed of the synthetic catalogue and prices (default 1)`;

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
	if (positionals.length !== 1 || positionals[0] !== "serve")
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
	const feed = new SyntheticFeed({ seed: Number(values.seed), categories: FEED_SIZES[values.size] });
	const day = values.day ?? feed.firstDay;
	if (!isIsoDate(day)) throw new UsageError(`--day must be a YYYY-MM-DD date, got "${day}"\n${USAGE}`);
	const host = await startFeedHost({ feed, day, port });
	const series = feed.sizes.reduce((n, c) => n + c.series, 0);
	console.log(
		`Synthetic TCGCSV feed (seed ${feed.seed}, ${values.size}: ${feed.groupList().length} groups, ~${series} series) on ${host.url}`,
	);
	console.log(`  serving ${day}; categories ${feed.sizes.map((c) => c.id).join(", ")}`);
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

function parse(args: string[]) {
	return parseArgs({
		args,
		allowPositionals: true,
		options: {
			port: { type: "string", default: "8790" },
			day: { type: "string" },
			size: { type: "string", default: "small" },
			seed: { type: "string", default: "1" },
		},
	});
}

await runCli(main);
