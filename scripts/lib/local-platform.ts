import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import { ROOT } from "./local";

/**
 * The local KV namespace and vars that `npm start` / `wrangler dev` use (.wrangler/state), for
 * CLIs that run while no Worker holds the state. Only KV and vars are bound: the full
 * configuration's Durable Object and Workflow would start in a proxy with no code to run them,
 * and workerd would warn about it.
 */
export async function openLocalKv(persistTo?: string) {
	const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
	const kv = config.kv_namespaces.find((n: { binding: string }) => n.binding === "API_KEYS");
	if (!kv?.id) throw new Error("wrangler.toml has no API_KEYS namespace");
	const dir = join(ROOT, ".wrangler", "tmp");
	await mkdir(dir, { recursive: true });
	const configPath = join(dir, "local-kv.wrangler.json");
	await writeFile(
		configPath,
		JSON.stringify({
			name: `${config.name}-cli`,
			compatibility_date: config.compatibility_date,
			vars: config.vars,
			kv_namespaces: [{ binding: "API_KEYS", id: kv.id }],
		}),
	);
	return getPlatformProxy<Env>({
		configPath,
		persist: { path: persistTo ?? join(ROOT, ".wrangler", "state", "v3") },
	});
}
