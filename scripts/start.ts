/**
 * `npm start`: the local main job. Applies D1 migrations, ensures the local admin key, serves the
 * Worker on http://localhost:$PORT (default 8787) with state persisted under .wrangler/, and,
 * while no model is promoted, builds the first one through the pipeline on the shipped sample.
 * Safe to re-run: a completed run for the same date, source and code version is reused.
 */
import { Api, describeProblem, localPort, type UsageError } from "./lib/api-client";
import { ensureDevKey } from "./lib/dev-key";
import { bin, run } from "./lib/local";
import { openLocalKv } from "./lib/local-platform";
import { ensureSample, followRun, startRun, summarise } from "./lib/pipeline-client";
import { startWranglerDev } from "./lib/wrangler-dev";

let port: number;
try {
	port = localPort();
} catch (error) {
	console.error((error as UsageError).message);
	process.exit(2);
}

console.log("1/4 applying D1 migrations (local)…");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"], { quiet: true });

// The dev key is written through the local state before wrangler dev holds it.
console.log("2/4 ensuring the local admin API key…");
const platform = await openLocalKv();
const devKey = await ensureDevKey(platform.env.API_KEYS).finally(() => platform.dispose());

console.log(`3/4 starting the Worker on http://localhost:${port} …`);
const dev = await startWranglerDev(port, { output: "inherit", args: ["--test-scheduled"] });
for (const signal of ["SIGINT", "SIGTERM"] as const)
	process.on(signal, () => {
		void dev.stop().then(() => process.exit(0));
	});
dev.child.on("exit", (code) => process.exit(code ?? 0));

const api = new Api({ base: dev.base, key: devKey.key, label: "local" });
const health = await api.request<{ model_version?: string }>("GET", "/v1/health");
if (health.status === 200) {
	console.log(`4/4 model ${health.body.model_version} is serving (npm run pipeline builds a new one).`);
} else {
	console.log("4/4 no model is serving yet: building one through the pipeline on data/sample/card_prices.csv…");
	try {
		if ((await ensureSample(api)) === "uploaded") console.log("  uploaded the shipped sample");
		const { id, reused } = await startRun(api, { source: "sample", trigger: "start" });
		console.log(`  run ${id}${reused ? " (reused)" : ""}:`);
		const result = await followRun(api, id, (line) => console.log(`  ${line}`), 500);
		console.log(summarise(result).replace(/^/gm, "  "));
		if (result.status !== "complete") {
			console.error("The first model could not be built; the Worker keeps running so you can look (GET /v1/runs).");
		} else {
			// Wait until the Worker serves the new champion (isolates notice within a second).
			console.log("  waiting for the Worker to serve it…");
			for (let i = 0; i < 90; i++) {
				const now = await api.request<{ model_version?: string }>("GET", "/v1/health");
				if (now.status === 200 && now.body.model_version === result.model_version) break;
				await new Promise((r) => setTimeout(r, 1000));
			}
		}
	} catch (error) {
		console.error(`The first model could not be built: ${(error as Error).message}`);
		const runs = await api.request("GET", "/v1/runs?limit=1");
		if (runs.status !== 200) console.error(describeProblem(runs));
	}
}

console.log(`
PokeWatch is running on ${dev.base}  (docs: ${dev.base}/docs)

Your local admin API key${devKey.created ? " (new)" : ""}: ${devKey.key}
  (kept in .wrangler/pokewatch-dev-key; set POKEWATCH_DEV_KEY to choose your own)

Try it:
  curl -X POST ${dev.base}/v1/fair-price -H 'content-type: application/json' -H 'x-api-key: ${devKey.key}' -d '{"card_id":"sv03-223-charizard-ex"}'
`);
