import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import type { KeyWriter } from "../../src/keys/key-writer";
import { ROOT } from "./local";
import { WORKERD_BUNDLE } from "./local-worker";

/** The local key store's bindings, served by the project's own KeyWriter class in workerd. */
export type LocalKeyWriter = {
	kv: KVNamespace;
	writers: DurableObjectNamespace<KeyWriter>;
	/** The vars wrangler.toml gives the local Worker (for the config schema). */
	vars: Record<string, string>;
	dispose: () => Promise<void>;
};

// Just the writer: the CLI needs nothing else of the Worker, and workerd starts faster without it.
const ENTRY = `export { KeyWriter } from "./src/keys/key-writer";
export default { fetch() { return new Response("pokewatch keys CLI", { status: 404 }); } };`;

/**
 * Starts the KeyWriter Durable Object and the API_KEYS namespace over the state `npm start` uses
 * (.wrangler/state/v3, or `persistTo`): same Worker name, class and namespace id as wrangler dev,
 * so both see the same writers and the same read copy. Only for when no Worker holds that state:
 * a running `npm start` is reached through its admin API instead (one writer per key, not two).
 */
export async function openLocalKeyWriter(persistTo?: string): Promise<LocalKeyWriter> {
	const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
	const kv = config.kv_namespaces.find((n: { binding: string }) => n.binding === "API_KEYS");
	if (!kv?.id) throw new Error("wrangler.toml has no API_KEYS namespace");
	await mkdir(join(ROOT, ".wrangler", "tmp"), { recursive: true });
	const dir = await mkdtemp(join(ROOT, ".wrangler", "tmp", "keys-cli-"));
	const scriptPath = join(dir, "key-writer.js");
	await build({ ...WORKERD_BUNDLE, stdin: { contents: ENTRY, resolveDir: ROOT, loader: "ts" }, outfile: scriptPath });
	const vars = Object.fromEntries(Object.entries(config.vars ?? {}).map(([k, v]) => [k, String(v)]));
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			resourcePersistencePath: persistTo ?? join(ROOT, ".wrangler", "state", "v3"),
			workers: [
				{
					name: config.name,
					modules: true,
					scriptPath,
					compatibilityDate: config.compatibility_date,
					compatibilityFlags: config.compatibility_flags,
					bindings: vars,
					kvNamespaces: { API_KEYS: kv.id },
					durableObjects: { KEY_WRITER: { className: "KeyWriter", useSQLite: true } },
				},
			],
		} as Parameters<typeof convertV4MiniflareOptions>[0]),
	);
	try {
		await mf.ready;
		// Miniflare's proxies speak the same RPC as the Worker's bindings; only their types differ.
		return {
			kv: (await mf.getKVNamespace("API_KEYS")) as unknown as KVNamespace,
			writers: (await mf.getDurableObjectNamespace("KEY_WRITER")) as unknown as DurableObjectNamespace<KeyWriter>,
			vars,
			dispose: async () => {
				await mf.dispose();
				await rm(dir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await mf.dispose().catch(() => {});
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
}
