/**
 * The dashboard's end-to-end harness: the real Worker in workerd (Miniflare, loopback, fresh
 * state, the project's wrangler.toml with its static assets), seeded the way the product is
 * (migrations, keys in the KV namespace, the sample pipeline run through the admin API), and
 * headless Chromium through playwright-core.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { ROOT } from "../../scripts/lib/local";
import { applyMigrations, type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker";
import type { KeyWriter } from "../../src/keys/key-writer";
import { KeyStore } from "../../src/keys/store";

/** Debian's chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Whether the browser is there; without it the e2e suite is skipped unless POKEWATCH_E2E_REQUIRED=1 (CI). */
export const chromiumAvailable = existsSync(CHROMIUM);

/** Screenshots and other artifacts (git-ignored). */
export const ARTIFACTS = join(ROOT, "test-results");

/** The keys the scenarios use: an admin key, one allowed a single request, a revoked one and one never issued. */
export type Keys = { admin: string; limited: string; revoked: string; unknown: string };

/** Starts the Worker with fresh state, applies the migrations and issues the scenarios' keys. */
export async function startSeededWorker(): Promise<{ worker: LocalWorker; keys: Keys }> {
	// No champion memo: the scenarios promote a model and expect the next request to see it.
	const worker = await startLocalWorker({ vars: { MODEL_REFRESH_SECONDS: "0" } });
	try {
		await applyMigrations((await worker.mf.getD1Database("DB")) as unknown as D1Database);
		const store = new KeyStore(
			(await worker.mf.getKVNamespace("API_KEYS")) as unknown as KVNamespace,
			(await worker.mf.getDurableObjectNamespace("KEY_WRITER")) as unknown as DurableObjectNamespace<KeyWriter>,
		);
		const admin = await store.create(
			{ name: "e2e admin", scopes: ["read", "admin"], limits: { requests_per_minute: 6000, burst: 200 } },
			"dev",
		);
		const limited = await store.create(
			{ name: "e2e one request", scopes: ["read"], limits: { requests_per_minute: 1, burst: 1 } },
			"dev",
		);
		const revoked = await store.create(
			{ name: "e2e revoked", scopes: ["read"], limits: { requests_per_minute: 60, burst: 10 } },
			"dev",
		);
		await store.revoke(revoked.record.id);
		// Well-formed for this environment (pk_dev_ + 40 base62) but never issued.
		const unknown = `pk_dev_${"Zx9".repeat(13)}Q`;
		return { worker, keys: { admin: admin.key, limited: limited.key, revoked: revoked.key, unknown } };
	} catch (error) {
		await worker.dispose();
		throw error;
	}
}

/** The parts of GET /v1/runs/{id} the scenarios compare with the page. */
export type RunAnswer = {
	id: string;
	status: string;
	candidate: string | null;
	model_version: string | null;
	champion_before: string | null;
	serving_version: string | null;
	promoted: boolean;
	published: boolean;
	metrics: { subject: string; window_name: string; name: string; value: number | null }[];
};

/**
 * Runs the pipeline on the shipped sample as `npm start` does: stores the sample
 * (PUT /v1/admin/sample), starts a run (POST /v1/admin/runs) and follows it to its end.
 */
export async function runSamplePipeline(base: URL, adminKey: string): Promise<RunAnswer> {
	const call = async (method: string, path: string, body?: string, type = "application/json") => {
		const res = await fetch(new URL(path, base), {
			method,
			headers: { "x-api-key": adminKey, ...(body === undefined ? {} : { "content-type": type }) },
			...(body === undefined ? {} : { body }),
		});
		const json = (await res.json()) as Record<string, unknown>;
		if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
		return json;
	};
	await call(
		"PUT",
		"/v1/admin/sample",
		await readFile(join(ROOT, "data", "sample", "card_prices.csv"), "utf8"),
		"text/csv",
	);
	const started = (await call("POST", "/v1/admin/runs", JSON.stringify({ source: "sample" }))) as {
		run: { id: string };
	};
	// The local Workflow engine runs it in the background; poll until it ends (the test's timeout bounds this).
	for (;;) {
		const run = (await call("GET", `/v1/runs/${started.run.id}`)) as unknown as RunAnswer;
		if (run.status !== "queued" && run.status !== "running") return run;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Launches headless Chromium with a fresh profile, no network beyond loopback, no background services. */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
	});
}
