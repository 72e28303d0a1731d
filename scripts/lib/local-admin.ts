/** A fresh local Worker ready for the CLIs' libraries: its migrations applied and an admin key, as an Api. */
import { KeyStore } from "../../src/keys/store";
import { Api } from "./api-client";
import { applyMigrations, type LocalWorker } from "./local-worker";

/** The Worker's D1, R2 and KV from Node (Miniflare's bindings). */
export async function localBindings(worker: LocalWorker) {
	return {
		DB: (await worker.mf.getD1Database("DB")) as unknown as D1Database,
		ARCHIVE: (await worker.mf.getR2Bucket("ARCHIVE")) as unknown as R2Bucket,
		API_KEYS: (await worker.mf.getKVNamespace("API_KEYS")) as unknown as KVNamespace,
	};
}

/** Applies the migrations and issues an admin key with generous limits (`name` labels it). */
export async function localAdminApi(worker: LocalWorker, name: string): Promise<Api> {
	const { DB, API_KEYS } = await localBindings(worker);
	await applyMigrations(DB);
	const { key } = await new KeyStore(API_KEYS).create(
		{ name, scopes: ["read", "admin"], limits: { requests_per_minute: 1_000_000, burst: 100_000 } },
		"dev",
	);
	return new Api({ base: worker.url.origin, key, label: name });
}
