import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT } from "./local";

/** A Worker running in workerd through Miniflare, on loopback, with its own fresh state. */
export type LocalWorker = {
	url: URL;
	mf: Miniflare;
	stateDir: string;
	dispose: () => Promise<void>;
};

/** The Miniflare options wrangler derives from wrangler.toml (bindings, assets, flags). */
function projectWorkerOptions() {
	// esbuild already inlined what wrangler's module rules cover (the CSV), so drop them.
	const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(
		join(ROOT, "wrangler.toml"),
	).workerOptions;
	return workerOptions;
}

/** esbuild's options for code that runs in workerd, as wrangler bundles it (ESM, `cloudflare:*` external). */
export const WORKERD_BUNDLE = {
	bundle: true,
	format: "esm",
	platform: "neutral",
	target: "es2022",
	conditions: ["workerd", "worker", "browser"],
	mainFields: ["module", "main"],
	external: ["cloudflare:*", "node:*"],
	logLevel: "warning",
} as const satisfies BuildOptions;

/** Bundles src/index.ts the way wrangler does for workerd. */
async function bundle(outdir: string): Promise<string> {
	const outfile = join(outdir, "worker.js");
	await build({ ...WORKERD_BUNDLE, entryPoints: [join(ROOT, "src", "index.ts")], outfile, loader: { ".csv": "text" } });
	return outfile;
}

/**
 * Starts the project's Worker with the real wrangler.toml bindings (KV, D1, R2, Durable
 * Objects, Workflows, assets, vars), overriding vars with `vars`, listening on 127.0.0.1.
 */
export async function startLocalWorker(
	options: { vars?: Record<string, string>; onLog?: (message: string) => void } = {},
): Promise<LocalWorker> {
	// Inside the project: workerd resolves modules relative to the project root.
	await mkdir(join(ROOT, ".wrangler", "tmp"), { recursive: true });
	const stateDir = await mkdtemp(join(ROOT, ".wrangler", "tmp", "local-worker-"));
	const scriptPath = await bundle(stateDir);
	const workerOptions = projectWorkerOptions();
	return launch(
		stateDir,
		{
			...workerOptions,
			name: "pokewatch",
			modules: true,
			scriptPath,
			bindings: { ...(workerOptions.bindings ?? {}), ...options.vars },
		},
		options.onLog,
	);
}

/** Starts one Worker (Miniflare v4-shaped options) on loopback with its state under `stateDir`. */
async function launch(stateDir: string, worker: object, onLog?: (message: string) => void): Promise<LocalWorker> {
	// wrangler hands out options in Miniflare's v4 shape; Miniflare 5 converts them.
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			host: "127.0.0.1",
			port: 0,
			defaultPersistRoot: join(stateDir, "state"),
			// The Worker's console output, one structured record per line (default: dropped).
			handleStructuredLogs: ({ message }: { message: string }) => onLog?.(message),
			workers: [worker],
		} as Parameters<typeof convertV4MiniflareOptions>[0]),
	);
	const url = await mf.ready;
	return {
		url,
		mf,
		stateDir,
		dispose: async () => {
			await mf.dispose();
			await rm(stateDir, { recursive: true, force: true });
		},
	};
}

const TRIVIAL_SCRIPT = `import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";
export class RateLimiter extends DurableObject {}
export class KeyWriter extends DurableObject {}
export class PricePipeline extends WorkflowEntrypoint { async run() {} }
export class HistorySeed extends WorkflowEntrypoint { async run() {} }
export default {
  fetch() { return new Response('{"ok":true}', { headers: { "content-type": "application/json" } }); },
  queue() {},
};`;

/**
 * A trivial Worker (one constant response) under the same harness: the runtime's ceiling.
 * With `sameConfig` it gets the project's whole wrangler.toml configuration (bindings, static
 * assets, compatibility flags), so the only difference from the real Worker is our code.
 */
export async function startTrivialWorker(options: { sameConfig: boolean }): Promise<LocalWorker> {
	await mkdir(join(ROOT, ".wrangler", "tmp"), { recursive: true });
	const stateDir = await mkdtemp(join(ROOT, ".wrangler", "tmp", "trivial-worker-"));
	const scriptPath = join(stateDir, "worker.js");
	await writeFile(scriptPath, TRIVIAL_SCRIPT);
	const base = options.sameConfig ? projectWorkerOptions() : { compatibilityDate: "2026-11-01" };
	return launch(stateDir, { ...base, name: "trivial", modules: true, scriptPath });
}

/** Applies every migrations/*.sql file to a D1 database, in order. */
export async function applyMigrations(db: D1Database): Promise<void> {
	const dir = join(ROOT, "migrations");
	for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort()) {
		const sql = await readFile(join(dir, file), "utf8");
		const statements = sql
			.split(/;\s*(?:\n|$)/)
			.map((s) => s.replace(/--.*$/gm, "").trim())
			.filter(Boolean);
		await db.batch(statements.map((s) => db.prepare(s)));
	}
}
