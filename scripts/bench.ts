/**
 * `npm run bench`: how close the full authenticated edge path comes to what the runtime itself
 * can do on this machine. Starts the Worker in workerd (Miniflare, loopback only) with the
 * project's real wrangler.toml bindings, seeds the sample model and two API keys, then drives
 * each scenario from a separate load process for a bounded time and prints a table.
 *
 *   npm run bench [-- --duration 8 --connections 32 --out bench-results/serving.json]
 *   npm run bench -- pipeline [--cards 20000 --days 180]   (the pipeline at scale: scripts/bench/pipeline.ts)
 *   npm run bench -- csv --cards 33000 --days 120 --out FILE  (a synthetic price file to import)
 *   npm run bench -- market [--feed full --nights 2 --history-days 365]  (the whole market: scripts/bench/market.ts)
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KeyStore } from "../src/keys/store";
import { SEED_RULE } from "../src/model/rules";
import { publishRows } from "../src/pipeline/publish-rows";
import { parsePriceCsv } from "../src/prices/price-rows";
import type { Measurement, Plan, Request, Scenario } from "./bench/load";
import { writeBenchResults } from "./bench/results";
import { bin, ROOT } from "./lib/local";
import { applyMigrations, startLocalWorker, startTrivialWorker } from "./lib/local-worker";

const USAGE = `usage: npm run bench [-- --duration S --connections N --breakdown --only 1,2,… --no-harness --out FILE]
       npm run bench -- wrangler [--duration S --connections N --threads N --no-breakdown --out FILE]
       npm run bench -- pipeline [--file PATH.csv[.gz] | --cards N --days N --seed N] [--date YYYY-MM-DD]
                                 [--shard-cards N] [--skip-node] [--timeout-minutes N] [--out FILE]
       npm run bench -- csv --cards N --days N --out FILE.csv [--seed N] [--date YYYY-MM-DD]
       npm run bench -- market [--feed small|full] [--nights N] [--history-days N] [--skip-node] [--out FILE]`;
if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}

// `npm run bench -- wrangler …` is the independent harness under wrangler dev (scripts/bench/wrangler-harness.ts).
if (process.argv[2] === "wrangler") {
	const { benchWranglerHarness } = await import("./bench/wrangler-harness");
	process.exit(
		await benchWranglerHarness(process.argv.slice(3)).catch((error: Error) => {
			console.error(`error: ${error.message}`);
			return 1;
		}),
	);
}

// `npm run bench -- csv …` writes a synthetic price file to import (scripts/bench/price-file.ts).
if (process.argv[2] === "csv") {
	const { writePriceFile } = await import("./bench/price-file");
	process.exit(await writePriceFile(process.argv.slice(3)));
}

// `npm run bench -- market …` is the whole market at catalogue size (scripts/bench/market.ts).
if (process.argv[2] === "market") {
	const { benchMarket } = await import("./bench/market");
	process.exit(
		await benchMarket(process.argv.slice(3)).catch((error: Error) => {
			console.error(`error: ${error.message}`);
			return 1;
		}),
	);
}

// `npm run bench -- pipeline …` is the pipeline at scale (scripts/bench/pipeline.ts); it exits
// when done, so the serving benchmark below runs only without it.
if (process.argv[2] === "pipeline") {
	const { benchPipeline } = await import("./bench/pipeline");
	process.exit(
		await benchPipeline(process.argv.slice(3)).catch((error: Error) => {
			console.error(`error: ${error.message}`);
			return 1;
		}),
	);
}

const values = (() => {
	try {
		return parseArgs({
			options: {
				duration: { type: "string", default: "8" },
				connections: { type: "string", default: "32" },
				out: { type: "string" },
				breakdown: { type: "boolean", default: false },
				only: { type: "string" },
				"no-harness": { type: "boolean", default: false },
			},
		}).values;
	} catch (error) {
		console.error(`${(error as Error).message}\n${USAGE}`);
		process.exit(2);
	}
})();
const durationMs = Number(values.duration) * 1000;
const connections = Number(values.connections);
if (!(durationMs > 0) || !(connections > 0)) throw new Error("--duration and --connections must be positive numbers");

const CARD = "sv03-223-charizard-ex";

console.log("starting the Worker (workerd via Miniflare, 127.0.0.1) and a trivial Worker…");
const worker = await startLocalWorker();
const trivial = await startTrivialWorker({ sameConfig: true });
const bare = await startTrivialWorker({ sameConfig: false });
try {
	const env = {
		DB: (await worker.mf.getD1Database("DB")) as unknown as D1Database,
		ARCHIVE: (await worker.mf.getR2Bucket("ARCHIVE")) as unknown as R2Bucket,
		API_KEYS: (await worker.mf.getKVNamespace("API_KEYS")) as unknown as KVNamespace,
	};
	await applyMigrations(env.DB);
	const rows = parsePriceCsv(await readFile(join(ROOT, "data", "sample", "card_prices.csv"), "utf8"), "sample");
	// The sample published as one night would be, with the seed's rule (a learned model needs a run).
	const model = await publishRows(env, rows, SEED_RULE, {
		runId: "bench-seed",
		source: "sample",
		horizonDays: 7,
		move: 0.05,
		minPrice: 1,
	});
	const keys = new KeyStore(env.API_KEYS);
	// Rate-limited like any key, with a burst of 1,000 (served from leases of 100 tokens: one
	// Durable Object call per lease, not per request) refilled far faster than the run spends it.
	const open = await keys.create(
		{ name: "bench", scopes: ["read"], limits: { requests_per_minute: 6_000_000, burst: 1000 } },
		"dev",
	);
	// Reads the hot key's usage and its limiter's call counters after the run.
	const admin = await keys.create(
		{ name: "bench admin", scopes: ["read", "admin"], limits: { requests_per_minute: 600, burst: 10 } },
		"dev",
	);
	const held = await keys.create(
		{ name: "bench at limit", scopes: ["read"], limits: { requests_per_minute: 1, burst: 1 } },
		"dev",
	);
	console.log(`published the sample with ${model.version} (${rows.length} prices) and two keys`);

	const origin = worker.url.origin;
	const json = (key: string) => ({ "content-type": "application/json", "x-api-key": key });
	const post = (key: string, path: string, body: unknown): Request => ({
		method: "POST",
		path,
		headers: json(key),
		body: JSON.stringify(body),
	});
	// Every (card, date) of the sample once, shuffled deterministically: nothing repeats, so no answer is cached.
	const pairs = rows.map((r) => ({ card_id: r.card_id, date: r.date }));
	let seed = 42;
	for (let i = pairs.length - 1; i > 0; i--) {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		const j = seed % (i + 1);
		[pairs[i], pairs[j]] = [pairs[j] as (typeof pairs)[number], pairs[i] as (typeof pairs)[number]];
	}
	const cardIds = [...new Set(rows.map((r) => r.card_id))];
	const batch = Array.from({ length: 100 }, (_, i) => ({ card_id: cardIds[i % cardIds.length] }));

	// The ceiling is a trivial Worker with the same configuration answering the same request as
	// scenario 2 (a POST with its JSON body and key, which it ignores), on a path no static asset
	// has (`/` is the dashboard). 1g is the same for a bare GET: the ceiling of the GET-only
	// breakdown rows. Locally a request body alone costs the runtime about a third of its
	// throughput (it streams through the static-assets router), so each row is compared with
	// the ceiling of its own request shape.
	const scenarios: Scenario[] = [
		{
			name: "1. ceiling: trivial Worker, same config",
			origin: trivial.url.origin,
			requests: [{ ...post(open.key, "/ceiling", { card_id: CARD }) }],
			expect: [200],
		},
		{
			name: "1g. ceiling, GET without a body",
			origin: trivial.url.origin,
			requests: [{ method: "GET", path: "/ceiling", headers: {} }],
			expect: [200],
		},
		{
			name: "2. fair-price, warm cache",
			origin,
			requests: [post(open.key, "/v1/fair-price", { card_id: CARD })],
			expect: [200],
		},
		{
			name: "3. fair-price, cold",
			origin,
			requests: pairs.map((p) => post(open.key, "/v1/fair-price", p)),
			once: true,
			expect: [200],
		},
		{
			name: "4. key at its limit (429)",
			origin,
			requests: [post(held.key, "/v1/fair-price", { card_id: CARD })],
			expect: [429],
		},
		{
			name: "5. batch of 100",
			origin,
			requests: [post(open.key, "/v1/fair-price/batch", { items: batch })],
			expect: [200],
		},
	];
	if (values.breakdown) {
		// Each adds one part of the path, so the differences say what each part costs.
		const etag = `"${model.epoch}:${CARD}:latest"`;
		scenarios.push(
			{
				name: "b1. trivial Worker, bare config",
				origin: bare.url.origin,
				requests: [{ method: "GET", path: "/ceiling", headers: {} }],
				expect: [200],
			},
			{
				name: "b2. public route: middleware + routing",
				origin,
				requests: [{ method: "GET", path: "/health", headers: {} }],
				expect: [200],
			},
			{
				name: "b3. + key check + rate-limiter DO (304)",
				origin,
				requests: [
					{
						method: "GET",
						path: `/v1/cards/${CARD}/fair-price`,
						headers: { "x-api-key": open.key, "if-none-match": etag },
					},
				],
				expect: [304],
			},
			{
				name: "b4. + answer memo (GET, warm)",
				origin,
				requests: [{ method: "GET", path: `/v1/cards/${CARD}/fair-price`, headers: { "x-api-key": open.key } }],
				expect: [200],
			},
		);
	}
	// The ceiling again at the end: the ratios use the higher of the two, so a slow moment at the
	// start cannot flatter them.
	scenarios.push(
		{ ...(scenarios[0] as Scenario), name: "1. ceiling again (end of run)" },
		{ ...(scenarios[1] as Scenario), name: "1g. ceiling, GET, again (end of run)" },
	);
	// --only 2,4 keeps the ceiling runs and the named scenarios (by their leading number or tag).
	if (values.only) {
		const wanted = new Set(values.only.split(",").map((t) => t.trim()));
		const keep = scenarios.filter((sc) => /^1g?\. /.test(sc.name) || wanted.has(sc.name.split(".")[0] as string));
		scenarios.splice(0, scenarios.length, ...keep);
	}
	const plan: Plan = { connections, durationMs, warmupMs: 1000, scenarios };
	console.log(
		`driving ${scenarios.length} scenarios, ${connections} connections, ${values.duration} s each, from a separate process…`,
	);
	// The closing ceiling runs go after the hot key's figures are read: an object idle for some
	// seconds may be evicted locally, and its call counters start again with it.
	const closing = scenarios.filter((sc) => sc.name.includes("again (end of run)"));
	const results = await drive({ ...plan, scenarios: scenarios.filter((sc) => !closing.includes(sc)) });
	// Durable Object calls per request of the hot key, from its own object's counters and its
	// usage counts (the usage call sends the isolate's unsent counts first).
	const usage = (await (
		await fetch(`${origin}/v1/admin/keys/${open.record.id}/usage`, { headers: { "x-api-key": admin.key } })
	).json()) as { totals: { requests: number; refused: number }; limiter: { calls: Record<string, number> } };
	results.push(...(await drive({ ...plan, scenarios: closing })));

	const best = (prefix: string) => Math.max(...results.filter((r) => r.name.startsWith(prefix)).map((r) => r.rps));
	const ceiling = { rps: best("1. ") };
	const ceilingGet = { rps: best("1g. ") };
	// GET-only rows (the breakdown, 1g) are compared with the GET ceiling, the rest with scenario 1.
	const baseOf = (r: Measurement) => (r.name.startsWith("b") || r.name.startsWith("1g") ? ceilingGet : ceiling);
	const table = results.map((r) => ({
		scenario: r.name,
		"req/s": r.rps,
		"p50 ms": r.p50_ms,
		"p95 ms": r.p95_ms,
		"p99 ms": r.p99_ms,
		requests: r.requests,
		errors: r.errors,
		"vs ceiling": (r.rps / baseOf(r).rps).toFixed(2),
	}));
	console.table(table);
	console.log(
		`ceiling (scenario 1): ${results
			.filter((r) => r.name.startsWith("1. "))
			.map((r) => r.rps)
			.join(" then ")} req/s; ratios use ${ceiling.rps} (GET rows: ${ceilingGet.rps})`,
	);
	const targets = {
		"2. fair-price, warm cache": 0.5,
		"3. fair-price, cold": 0.25,
		"4. key at its limit (429)": 0.7,
	} as Record<string, number>;
	for (const r of results) {
		const target = targets[r.name];
		if (target !== undefined) {
			const ratio = r.rps / ceiling.rps;
			console.log(
				`${r.name}: ${(ratio * 100).toFixed(0)}% of the ceiling (target ${target * 100}%) ${ratio >= target ? "met" : "NOT met"}`,
			);
		}
	}
	const { lease = 0, take = 0, record = 0 } = usage.limiter.calls;
	const counted = usage.totals.requests + usage.totals.refused;
	const perRequest = (lease + take + record) / counted;
	console.log(
		`hot key (burst 1000): ${lease + take + record} Durable Object calls (lease ${lease}, take ${take}, record ${record}) for ${counted} requests = ${perRequest.toFixed(4)} per request (goal <= 0.05: ${perRequest <= 0.05 ? "met" : "NOT met"})`,
	);
	await writeBenchResults("serving", values.out, {
		plan: { connections, duration_s: durationMs / 1000 },
		model: model.version,
		results,
		hot_key: { burst: 1000, requests: counted, calls: usage.limiter.calls, per_request: perRequest },
	});
} finally {
	await worker.dispose();
	await trivial.dispose();
	await bare.dispose();
}

// The independent harness's row (the project under wrangler dev against a bare Hono Worker under
// the same wrangler dev), once Miniflare has stopped; its breakdown is `npm run bench -- wrangler`.
if (!values["no-harness"]) {
	const { benchWranglerHarness } = await import("./bench/wrangler-harness");
	const code = await benchWranglerHarness([
		"--no-breakdown",
		"--duration",
		String(values.duration),
		"--connections",
		String(connections),
	]);
	if (code !== 0) process.exit(code);
}

/** Runs the load generator as its own process and returns its measurements. */
function drive(plan: Plan): Promise<Measurement[]> {
	return new Promise((resolve, reject) => {
		const child = spawn(bin("tsx"), [join(ROOT, "scripts", "bench", "load.ts")], {
			cwd: ROOT,
			stdio: ["pipe", "pipe", "inherit"],
		});
		let out = "";
		child.stdout.on("data", (chunk: Buffer) => {
			out += chunk.toString();
		});
		child.on("error", reject);
		child.on("close", (code) =>
			code === 0 ? resolve(JSON.parse(out) as Measurement[]) : reject(new Error(`load generator exited with ${code}`)),
		);
		child.stdin.end(JSON.stringify(plan));
	});
}
