/**
 * `npm start`: the local main job. Applies D1 migrations, builds and promotes a model from the
 * shipped sample, then serves the Worker on http://localhost:$PORT (default 8787) with state
 * persisted under .wrangler/. Safe to re-run: every step is idempotent.
 */
import { spawn } from "node:child_process";
import { getPlatformProxy } from "wrangler";
import { getConfig } from "../src/config";
import { buildModel } from "./build-model";
import { ensureDevKey } from "./lib/dev-key";
import { bin, childEnv, ROOT, run } from "./lib/local";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
	console.error(`PORT must be a TCP port number, got "${process.env.PORT}"`);
	process.exit(2);
}

console.log("1/3 applying D1 migrations (local)…");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"], { quiet: true });

console.log("2/3 building the model from data/sample/card_prices.csv…");
const platform = await getPlatformProxy<Env>({ persist: true });
const config = getConfig(platform.env);
const model = await buildModel(platform.env, config);
const devKey = await ensureDevKey(platform.env.API_KEYS);
await platform.dispose();
console.log(
	`    model ${model.version}: ${model.cards} cards, ${model.rows} prices up to ${model.data_as_of}` +
		`${model.created ? "" : " (already built)"}, champion`,
);

console.log(`3/3 starting the Worker on http://localhost:${port} …`);
const dev = spawn(bin("wrangler"), ["dev", "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled"], {
	cwd: ROOT,
	env: childEnv(),
	stdio: ["inherit", "pipe", "inherit"],
});
dev.stdout.pipe(process.stdout);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

const base = `http://localhost:${port}`;
for (let attempt = 0; attempt < 240; attempt++) {
	try {
		const res = await fetch(`${base}/v1/health`);
		if (res.ok) break;
	} catch {
		// not listening yet
	}
	await new Promise((r) => setTimeout(r, 500));
}

console.log(`
PokeWatch is running on ${base}  (docs: ${base}/docs)

Your local admin API key${devKey.created ? " (new)" : ""}: ${devKey.key}
  (kept in .wrangler/pokewatch-dev-key; set POKEWATCH_DEV_KEY to choose your own)

Try it:
  curl -X POST ${base}/v1/fair-price -H 'content-type: application/json' -H 'x-api-key: ${devKey.key}' -d '{"card_id":"sv03-223-charizard-ex"}'
`);
