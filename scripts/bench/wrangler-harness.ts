/**
 * `npm run bench -- wrangler`: the independent harness. The project as `npm start` serves it
 * (`wrangler dev` with wrangler.toml, src/index.ts) against a bare Hono Worker (one route,
 * `c.json({ok:true})`, no bindings) under the same `wrangler dev`, driven by the same load
 * generator (`wrk` when installed, else scripts/bench/load.ts) with a warm authenticated
 * `GET /v1/cards/{id}/fair-price`; then the breakdown Worker (scripts/bench/workers/path-parts.ts)
 * leaving out one part of the path at a time. Prints the table, the Durable Object calls per
 * request of the hot key, and writes the figures to bench-results/.
 *
 * Every Worker runs at once and the rows are measured in interleaved rounds (each row's duration
 * split over `--rounds`, its figures the median of its slices).
 *
 *   npm run bench -- wrangler [--duration 8 --rounds 3 --connections 32 --threads 2 --no-breakdown --out FILE]
 */
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { KeyStore } from "../../src/keys/store";
import { SEED_RULE } from "../../src/model/rules";
import { publishRows } from "../../src/pipeline/publish-rows";
import { parsePriceCsv } from "../../src/prices/price-rows";
import { bin, ROOT } from "../lib/local";
import { applyMigrations } from "../lib/local-worker";
import { startWranglerDev } from "../lib/wrangler-dev";
import type { Measurement, Plan } from "./load";
import { writeBenchResults } from "./results";

const CARD = "sv03-223-charizard-ex";
const PATH = `/v1/cards/${CARD}/fair-price`;
const PORT = 8931;
const VARIANTS = ["full", "no-ae", "no-log", "no-limiter", "no-auth", "no-memo", "no-json"];

/** One row of the table. */
type Row = { name: string; rps: number; p50_ms: number; p99_ms: number; requests: number; errors: number };

export async function benchWranglerHarness(argv: string[]): Promise<number> {
	const { values } = parseArgs({
		args: argv,
		options: {
			duration: { type: "string", default: "8" },
			connections: { type: "string", default: "32" },
			threads: { type: "string", default: "2" },
			rounds: { type: "string", default: "3" },
			"no-breakdown": { type: "boolean", default: false },
			out: { type: "string" },
		},
	});
	const seconds = Number(values.duration);
	const connections = Number(values.connections);
	const threads = Number(values.threads);
	const rounds = Math.max(1, Number(values.rounds));
	const wrk = spawnSync("wrk", ["--version"]).error === undefined;
	console.log(
		`load generator: ${wrk ? `wrk -t${threads} -c${connections} -d${seconds}s --latency` : `scripts/bench/load.ts (${connections} connections, ${seconds} s; wrk is not installed)`}`,
	);

	await mkdir(join(ROOT, ".wrangler", "tmp"), { recursive: true });
	const dir = await mkdtemp(join(ROOT, ".wrangler", "tmp", "harness-"));
	try {
		const keys = await seed(dir);
		const bareConfig = join(dir, "bare.wrangler.json");
		await writeFile(
			bareConfig,
			JSON.stringify({
				name: "bare-hono",
				main: join(ROOT, "scripts", "bench", "workers", "bare-hono.ts"),
				compatibility_date: "2026-11-01",
			}),
		);
		// The same bare Worker with the project's static assets configuration: what wrangler dev's
		// assets router in front of every request costs locally.
		const assetsConfig = join(dir, "bare-assets.wrangler.json");
		await writeFile(
			assetsConfig,
			JSON.stringify({
				name: "bare-hono-assets",
				main: join(ROOT, "scripts", "bench", "workers", "bare-hono.ts"),
				compatibility_date: "2026-11-01",
				assets: { directory: join(ROOT, "public"), html_handling: "auto-trailing-slash", not_found_handling: "none" },
			}),
		);
		const rows: Row[] = [];
		const hot = { calls: 0, requests: 0 };
		const urlOf = (port: number) => `http://127.0.0.1:${port}${PATH}`;
		/** The hot key's Durable Object calls (lease, take, record) and counted requests so far. */
		const hotKey = async (port: number) => {
			const res = await fetch(`http://127.0.0.1:${port}/v1/admin/keys/${keys.hot.record.id}/usage`, {
				headers: { "x-api-key": keys.admin.key },
			});
			const body = (await res.json()) as {
				totals: { requests: number; refused: number };
				limiter: { calls: { lease: number; take: number; record: number } };
			};
			const c = body.limiter.calls;
			return { calls: c.lease + c.take + c.record, requests: body.totals.requests + body.totals.refused };
		};
		const auth = { "x-api-key": keys.hot.key };
		// Every Worker runs at once (each in its own wrangler dev, with its own copy of the seeded
		// state), idle while another is measured; the measurements are interleaved in rounds, so a
		// change in the machine's load over the run falls on every row alike.
		type Target = { name: string; port: number; headers: Record<string, string> };
		const targets: Target[] = [];
		const servers: { stop: () => Promise<void> }[] = [];
		const serve = async (args: string[], what: string, state: string | null) => {
			const port = PORT + servers.length;
			console.log(`starting ${what} under wrangler dev on port ${port}…`);
			const persist = join(dir, `state-${port}`);
			if (state) await cp(state, join(persist, "v3"), { recursive: true });
			servers.push(await startWranglerDev(port, { args: [...args, "--persist-to", persist, "--log-level", "error"] }));
			return port;
		};
		try {
			const seeded = join(dir, "v3");
			const bare = await serve(["--config", bareConfig], "the bare Hono Worker", null);
			const project = await serve([], "the project (wrangler.toml, src/index.ts)", seeded);
			targets.push(
				{ name: "H1. bare Hono Worker (ceiling)", port: bare, headers: {} },
				{ name: "H2. project: GET fair-price, warm, high-limit key", port: project, headers: auth },
			);
			if (!values["no-breakdown"]) {
				const assets = await serve(["--config", assetsConfig], "the bare Hono Worker with static assets", null);
				const parts = await serve(["scripts/bench/workers/path-parts.ts"], "the breakdown Worker", seeded);
				targets.push({ name: "B. bare Hono Worker + the project's static assets", port: assets, headers: {} });
				for (const variant of VARIANTS)
					targets.push({ name: `B. ${variant}`, port: parts, headers: { ...auth, "x-bench-variant": variant } });
			}
			const slice = Math.max(1, Math.round(seconds / rounds));
			for (const t of targets) await load(urlOf(t.port), t.headers, 1, connections, threads, wrk); // warm-up
			const slices = new Map<string, Omit<Row, "name">[]>();
			for (let round = 1; round <= rounds; round++) {
				console.log(`round ${round}/${rounds} (${slice} s per row)…`);
				for (const t of targets) {
					// The hot key's counters around each of its slices: an object idle for some seconds is
					// evicted locally and its counters start again, so only differences over a busy slice count.
					const before = t.port === project ? await hotKey(project) : null;
					const m = await load(urlOf(t.port), t.headers, slice, connections, threads, wrk);
					if (before) {
						const after = await hotKey(project);
						hot.calls += after.calls - before.calls;
						hot.requests += after.requests - before.requests;
					}
					slices.set(t.name, [...(slices.get(t.name) ?? []), m]);
				}
			}
			for (const t of targets) {
				const all = slices.get(t.name) ?? [];
				const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
				rows.push({
					name: t.name,
					rps: Math.round(median(all.map((m) => m.rps))),
					p50_ms: median(all.map((m) => m.p50_ms)),
					p99_ms: median(all.map((m) => m.p99_ms)),
					requests: all.reduce((n, m) => n + m.requests, 0),
					errors: all.reduce((n, m) => n + m.errors, 0),
				});
			}
		} finally {
			for (const server of servers) await server.stop();
		}

		const ceiling = rows.find((r) => r.name.startsWith("H1.")) as Row;
		console.table(
			rows.map((r) => ({
				scenario: r.name,
				"req/s": r.rps,
				"p50 ms": r.p50_ms,
				"p99 ms": r.p99_ms,
				errors: r.errors,
				"vs bare": (r.rps / ceiling.rps).toFixed(2),
				"p50 vs bare": (r.p50_ms / ceiling.p50_ms).toFixed(1),
				"ms/request": (1000 / r.rps).toFixed(3),
			})),
		);
		const project = rows.find((r) => r.name.startsWith("H2.")) as Row;
		const ratio = project.rps / ceiling.rps;
		console.log(
			`project vs bare Hono: ${ratio.toFixed(2)} of the throughput (goal >= 0.60: ${ratio >= 0.6 ? "met" : "NOT met"}), p50 ${(project.p50_ms / ceiling.p50_ms).toFixed(1)}x (goal <= 2x: ${project.p50_ms <= 2 * ceiling.p50_ms ? "met" : "NOT met"})`,
		);
		const perRequest = hot.requests > 0 ? hot.calls / hot.requests : Number.NaN;
		console.log(
			`hot key (burst ${keys.hot.record.limits.burst}): ${hot.calls} Durable Object calls for ${hot.requests} requests = ${perRequest.toFixed(4)} per request (goal <= 0.05: ${perRequest <= 0.05 ? "met" : "NOT met"})`,
		);
		// Each part's cost: the time per request it adds on the Worker's thread, from the differences.
		const order = VARIANTS;
		const parts = [
			"Analytics Engine data point",
			"request log line",
			"rate limiter",
			"key check",
			"memo + serving state",
			"JSON",
		];
		const b = (v: string) => rows.find((r) => r.name === `B. ${v}`);
		if (b("full")) {
			for (const [i, part] of parts.entries()) {
				const with_ = b(order[i] as string) as Row;
				const without = b(order[i + 1] as string) as Row;
				console.log(`  ${part}: ${(1000 / with_.rps - 1000 / without.rps).toFixed(3)} ms per request`);
			}
			const last = b("no-json") as Row;
			const assets = rows.find((r) => r.name.startsWith("B. bare Hono Worker +")) as Row;
			console.log(
				`  middleware, routing and config (the rest of the project's Worker): ${(1000 / last.rps - 1000 / assets.rps).toFixed(3)} ms per request`,
			);
			console.log(
				`  the static-assets router wrangler dev puts in front (local only): ${(1000 / assets.rps - 1000 / ceiling.rps).toFixed(3)} ms per request`,
			);
		}
		await writeBenchResults("harness", values.out, {
			plan: { tool: wrk ? "wrk" : "load.ts", threads, connections, duration_s: seconds, rounds },
			rows,
			hot_key: {
				burst: keys.hot.record.limits.burst,
				requests: hot.requests,
				calls: hot.calls,
				per_request: perRequest,
			},
		});
		return 0;
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/** Seeds a fresh local state the way `npm start` leaves it: migrations, the sample published, two keys. */
async function seed(dir: string) {
	const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
	const configPath = join(dir, "seed.wrangler.json");
	await writeFile(
		configPath,
		JSON.stringify({
			name: "pokewatch-seed",
			compatibility_date: config.compatibility_date,
			kv_namespaces: config.kv_namespaces.map((n: { binding: string; id?: string }) => ({
				binding: n.binding,
				id: n.id,
			})),
			d1_databases: config.d1_databases.map((d: { binding: string; database_name?: string; database_id?: string }) => ({
				binding: d.binding,
				database_name: d.database_name,
				database_id: d.database_id,
			})),
			r2_buckets: config.r2_buckets.map((b: { binding: string; bucket_name?: string }) => ({
				binding: b.binding,
				bucket_name: b.bucket_name,
			})),
		}),
	);
	const proxy = await getPlatformProxy<Env>({ configPath, persist: { path: join(dir, "v3") } });
	try {
		const env = proxy.env;
		await applyMigrations(env.DB);
		const rows = parsePriceCsv(await readFile(join(ROOT, "data", "sample", "card_prices.csv"), "utf8"), "sample");
		await publishRows(env, rows, SEED_RULE, {
			runId: "harness-seed",
			source: "sample",
			horizonDays: 7,
			move: 0.05,
			minPrice: 1,
		});
		const store = new KeyStore(env.API_KEYS);
		// A hot key: a burst of 1,000 (leases of 100) refilled far faster than the run spends it.
		const hot = await store.create(
			{ name: "harness hot key", scopes: ["read"], limits: { requests_per_minute: 6_000_000, burst: 1000 } },
			"dev",
		);
		const admin = await store.create(
			{ name: "harness admin", scopes: ["read", "admin"], limits: { requests_per_minute: 600, burst: 10 } },
			"dev",
		);
		return { hot, admin };
	} finally {
		await proxy.dispose();
	}
}

/** Drives `url` for `seconds` with wrk (when installed) or the project's load generator. */
async function load(
	url: string,
	headers: Record<string, string>,
	seconds: number,
	connections: number,
	threads: number,
	wrk: boolean,
): Promise<Omit<Row, "name">> {
	if (wrk) {
		const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency"];
		for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
		const out = await capture("wrk", [...args, url]);
		const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
		const ms = (re: RegExp) => {
			const m = re.exec(out);
			if (!m) return Number.NaN;
			const unit = m[2];
			const v = Number(m[1]);
			return unit === "us" ? v / 1000 : unit === "s" ? v * 1000 : v;
		};
		const requests = num(/(\d+) requests in/);
		const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
		const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
		const socketErrors = socket ? socket.slice(1).reduce((n, s) => n + Number(s), 0) : 0;
		return {
			rps: Math.round(num(/Requests\/sec:\s+([\d.]+)/)),
			p50_ms: ms(/\s50%\s+([\d.]+)(us|ms|s)/),
			p99_ms: ms(/\s99%\s+([\d.]+)(us|ms|s)/),
			requests,
			errors: (Number.isNaN(non2xx) ? 0 : non2xx) + socketErrors,
		};
	}
	const u = new URL(url);
	const plan: Plan = {
		connections,
		durationMs: seconds * 1000,
		warmupMs: 0,
		scenarios: [
			{ name: "harness", origin: u.origin, requests: [{ method: "GET", path: u.pathname, headers }], expect: [200] },
		],
	};
	const [m] = JSON.parse(
		await capture(bin("tsx"), [join(ROOT, "scripts", "bench", "load.ts")], JSON.stringify(plan)),
	) as Measurement[];
	if (!m) throw new Error("the load generator measured nothing");
	return { rps: m.rps, p50_ms: m.p50_ms, p99_ms: m.p99_ms, requests: m.requests, errors: m.errors };
}

function capture(command: string, args: string[], input?: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
		let out = "";
		child.stdout.on("data", (chunk: Buffer) => {
			out += chunk.toString();
		});
		child.on("error", reject);
		child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
		child.stdin.end(input ?? "");
	});
}
