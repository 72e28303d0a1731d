import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { recordState } from "../../src/keys/changes";
import { KeyStore } from "../../src/keys/store";
import { ROOT } from "./local";

/** Where `npm start` keeps the local dev key's secret (git-ignored, beside the local state). */
export const DEV_KEY_FILE = join(ROOT, ".wrangler", "pokewatch-dev-key");

/**
 * The local admin key for `npm start`: POKEWATCH_DEV_KEY if set (registered once), else the key
 * saved by an earlier run if it still works, else a new one. Only its hash is in KV.
 */
export async function ensureDevKey(kv: KVNamespace): Promise<{ key: string; created: boolean }> {
	const store = new KeyStore(kv);
	const preset = process.env.POKEWATCH_DEV_KEY?.trim();
	const saved = preset ?? (await readFile(DEV_KEY_FILE, "utf8").catch(() => "")).trim();
	if (saved) {
		const record = await store.findByKey(saved);
		if (record && !recordState(record, new Date()) && record.scopes.includes("admin"))
			return { key: saved, created: false };
	}
	const { key } = await store.create(
		{ name: "local dev (npm start)", scopes: ["read", "admin"], limits: { requests_per_minute: 60_000, burst: 1000 } },
		"dev",
		new Date(),
		preset || undefined,
	);
	if (!preset) await writeFile(DEV_KEY_FILE, `${key}\n`, { mode: 0o600 });
	return { key, created: true };
}
