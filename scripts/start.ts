/**
 * `npm start [-- --no-sample]`: the local main job. Applies D1 migrations, ensures the local
 * admin key, serves the Worker on http://localhost:$PORT (default 8787) with state persisted
 * under .wrangler/, and, while nothing is published, runs the pipeline once on the shipped
 * sample (skipped with --no-sample, for a deployment that will run on its own data). Safe to
 * re-run. The Worker stops with this process, however it stops.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { addDays } from "../src/model/dates";
import { Api, describeProblem, localPort, type UsageError } from "./lib/api-client";
import { ensureDevKey } from "./lib/dev-key";
import { bin, ROOT, run } from "./lib/local";
import { openLocalKv } from "./lib/local-platform";
import {
	ensureSample,
	followRun,
	nightLine,
	SAMPLE_CSV,
	startRun,
	summarise,
	waitUntilServed,
} from "./lib/pipeline-client";
import { answers, startWranglerDev } from "./lib/wrangler-dev";

const USAGE = "usage: npm start [-- --no-sample]   (PORT=9000 npm start to change the port)";
const PID_FILE = join(ROOT, ".wrangler", "pokewatch-dev.pid");

if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}
const unknown = process.argv.slice(2).filter((a) => a !== "--no-sample");
if (unknown.length > 0) {
	console.error(`unknown argument(s): ${unknown.join(" ")}\n${USAGE}`);
	process.exit(2);
}
const noSample = process.argv.includes("--no-sample");

let port: number;
try {
	port = localPort();
} catch (error) {
	console.error((error as UsageError).message);
	process.exit(2);
}

/** The process group of a Worker an earlier `npm start` left running, if it is still alive. */
async function staleWorker(): Promise<number | null> {
	const pid = Number((await readFile(PID_FILE, "utf8").catch(() => "")).trim());
	if (!Number.isInteger(pid) || pid <= 0) return null;
	try {
		process.kill(pid, 0);
		return pid;
	} catch {
		return null;
	}
}

if (await answers(`http://localhost:${port}`)) {
	const stale = await staleWorker();
	console.error(
		stale
			? `A PokeWatch Worker from an earlier npm start (process group ${stale}) still holds port ${port}.\n` +
					`Stop it with:  kill -- -${stale}\nthen run npm start again.`
			: `Something already answers on port ${port} (another npm start, or another program).\n` +
					`Stop it, or use another port: PORT=9000 npm start`,
	);
	process.exit(1);
}

console.log("1/4 applying D1 migrations (local)…");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"], { quiet: true });

// The dev key is written through the local state before wrangler dev holds it.
console.log("2/4 ensuring the local admin API key…");
const platform = await openLocalKv();
const devKey = await ensureDevKey(platform.env.API_KEYS).finally(() => platform.dispose());

console.log(`3/4 starting the Worker on http://localhost:${port} …`);
const dev = await startWranglerDev(port, { output: "filtered", args: ["--test-scheduled"], pidFile: PID_FILE });
for (const signal of ["SIGINT", "SIGTERM"] as const)
	process.on(signal, () => {
		void dev.stop().then(() => process.exit(0));
	});
dev.child.on("exit", (code) => process.exit(code ?? 0));

const api = new Api({ base: dev.base, key: devKey.key, label: "local" });
const health = await api.request<{ model_version?: string; data_as_of?: string }>("GET", "/v1/health");
if (health.status === 200) {
	console.log(
		`4/4 serving data as of ${health.body.data_as_of} with ${health.body.model_version} (npm run pipeline runs a new night).`,
	);
} else if (noSample) {
	console.log(
		"4/4 --no-sample: nothing is published yet. Run the pipeline on your data:\n" +
			"      npm run pipeline -- --source file:PATH.csv [--date YYYY-MM-DD | --replay FROM..TO]",
	);
} else {
	// As a new deployment backfills its history: the sample's last four weeks, night by night, so
	// the first answers come with a track record (and a champion, where a model passed the gate).
	const last = (await readFile(SAMPLE_CSV, "utf8"))
		.match(/\d{4}-\d{2}-\d{2}/g)
		?.sort()
		.at(-1) as string;
	const nights = [21, 14, 7, 0].map((d) => addDays(last, -d));
	console.log(
		`4/4 nothing is published yet: replaying the sample's nights ${nights[0]}..${last} (weekly) through the pipeline…`,
	);
	try {
		if ((await ensureSample(api)) === "uploaded") console.log("  uploaded the shipped sample");
		for (const [k, date] of nights.entries()) {
			const { id } = await startRun(api, { source: "sample", trigger: "start", date });
			const final = k === nights.length - 1;
			const result = await followRun(api, id, final ? (line) => console.log(`  ${line}`) : () => undefined, 500);
			if (!final) console.log(`  [${k + 1}/${nights.length}] ${nightLine(result)}`);
			else console.log(summarise(result).replace(/^/gm, "  "));
			if (result.status === "failed") {
				console.error("A run failed; the Worker keeps running so you can look (GET /v1/runs).");
				break;
			}
			await waitUntilServed(api, result);
		}
	} catch (error) {
		console.error(`The first run could not be made: ${(error as Error).message}`);
		const runs = await api.request("GET", "/v1/runs?limit=1");
		if (runs.status !== 200) console.error(describeProblem(runs));
	}
}

console.log(`
PokeWatch is running on ${dev.base}  (docs: ${dev.base}/docs, dashboard: ${dev.base}/)

Your local admin API key${devKey.created ? " (new)" : ""}: ${devKey.key}
  (kept in .wrangler/pokewatch-dev-key; set POKEWATCH_DEV_KEY to choose your own)

Try it:
  curl -X POST ${dev.base}/v1/fair-price -H 'content-type: application/json' -H 'x-api-key: ${devKey.key}' -d '{"card_id":"sv03-223-charizard-ex"}'
`);
