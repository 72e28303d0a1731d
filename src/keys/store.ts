import { displayPrefix, generateApiKey, hashApiKey, isWellFormedKey, type KeyEnv, newKeyId } from "./api-keys";
import { type KeyChange, type KeyPatch, KeyRecord, type KeyWriterClient } from "./types";
import { keyWriterOf } from "./writers";

/**
 * The slice of a key-value store the key registry needs. A KV binding satisfies it directly;
 * the CLI also implements it over `wrangler kv` for remote namespaces.
 */
export interface KeyValueStore {
	get(key: string, options?: { cacheTtl?: number }): Promise<string | null>;
	put(key: string, value: string): Promise<void>;
	delete(key: string): Promise<void>;
	list(options: { prefix: string; cursor?: string }): Promise<{
		keys: { name: string }[];
		list_complete: boolean;
		cursor?: string;
	}>;
}

/** KV key layout (documented in the README's storage schema). */
export const KV = {
	record: (hash: string) => `key:${hash}`,
	byId: (id: string) => `keyid:${id}`,
	lastUsed: (id: string) => `used:${id}`,
};

/** What issuing a key needs. */
export type NewKey = {
	name: string;
	scopes: KeyRecord["scopes"];
	limits: KeyRecord["limits"];
	expires_at?: string;
};

/** A rotation's answer: the new key (its secret shown once) and the old one, or why not. */
export type Rotation =
	| { ok: true; key: string; record: KeyRecord; previous: KeyRecord }
	| Extract<KeyChange, { ok: false }>;

/**
 * The key registry: reads from KV's read copy (look up, list); every change through the key's
 * writer (src/keys/key-writer.ts), which orders them. `writers` defaults to the
 * Worker's KEY_WRITER binding; tools outside the Worker pass a namespace of their own.
 */
export class KeyStore {
	constructor(
		private readonly kv: KeyValueStore,
		private readonly writers?: Env["KEY_WRITER"],
	) {}

	/**
	 * Seeds a key straight into KV, with no writer: for tooling on a store no Worker serves yet
	 * (the local dev key, benchmarks, tests). A new id cannot race anything, and the key's writer
	 * adopts the record on its first change (`npm run keys -- --env … generate` seeds this way too,
	 * through wrangler). The API and the local CLI issue keys with `issue`.
	 * `presetKey` registers a key the operator already holds instead of generating one.
	 */
	async create(
		input: NewKey,
		env: KeyEnv,
		now = new Date(),
		presetKey?: string,
	): Promise<{ key: string; record: KeyRecord }> {
		if (presetKey !== undefined && !isWellFormedKey(presetKey, env))
			throw new Error(`not a well-formed pk_${env}_ key`);
		const key = presetKey ?? generateApiKey(env);
		const hash = await hashApiKey(key);
		const record = newRecord(newKeyId(), key, input, now);
		// The id index first: a record is never reachable without its index.
		await this.kv.put(KV.byId(record.id), hash);
		await this.kv.put(KV.record(hash), JSON.stringify(record));
		return { key, record };
	}

	/** The record of a presented key, or null. `cacheTtl` lets KV's edge cache serve it. */
	async findByKey(key: string, cacheTtl?: number): Promise<KeyRecord | null> {
		const hash = await hashApiKey(key);
		const raw = await this.kv.get(KV.record(hash), cacheTtl ? { cacheTtl } : undefined);
		return raw ? KeyRecord.parse(JSON.parse(raw)) : null;
	}

	/** The record with this id and its hash, or null. */
	async findById(id: string): Promise<{ hash: string; record: KeyRecord } | null> {
		const hash = await this.kv.get(KV.byId(id));
		if (!hash) return null;
		const raw = await this.kv.get(KV.record(hash));
		return raw ? { hash, record: KeyRecord.parse(JSON.parse(raw)) } : null;
	}

	/** Every key record (admin listing), with its last use, oldest first. */
	async list(): Promise<KeyRecord[]> {
		const records: KeyRecord[] = [];
		let cursor: string | undefined;
		do {
			const page = await this.kv.list({ prefix: "key:", ...(cursor ? { cursor } : {}) });
			for (const { name } of page.keys) {
				const raw = await this.kv.get(name);
				if (!raw) continue;
				const record = KeyRecord.parse(JSON.parse(raw));
				const used = await this.kv.get(KV.lastUsed(record.id));
				records.push(used ? { ...record, last_used_at: used } : record);
			}
			cursor = page.list_complete ? undefined : page.cursor;
		} while (cursor);
		return records.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
	}

	/** Issues a key through its writer; the secret is returned here and never stored. */
	async issue(input: NewKey, env: KeyEnv, now = new Date()): Promise<{ key: string; record: KeyRecord }> {
		const key = generateApiKey(env);
		const record = newRecord(newKeyId(), key, input, now);
		const made = await (await this.#writer(record.id)).create(await hashApiKey(key), record);
		if (!made.ok) throw new Error(`key id ${record.id} is already taken`);
		return { key, record: made.record };
	}

	/** Revokes a key now, through its writer (`changed: false` when it already was). */
	async revoke(id: string): Promise<KeyChange> {
		return (await this.#writer(id)).revoke(id);
	}

	/**
	 * Issues a replacement with the same name, scopes, limits and expiry; the old key stays valid
	 * until `graceSeconds` from now. Refused for a key that is unknown, revoked, expired or
	 * already rotated: one key has at most one successor.
	 */
	async rotate(id: string, env: KeyEnv, graceSeconds: number): Promise<Rotation> {
		const key = generateApiKey(env);
		const successor = { id: newKeyId(), hash: await hashApiKey(key), prefix: displayPrefix(key) };
		const rotated = await (await this.#writer(id)).rotate(id, successor, graceSeconds);
		return rotated.ok ? { ok: true, key, record: rotated.successor, previous: rotated.record } : rotated;
	}

	/** Changes a usable key's limits, name or expiry, through its writer. */
	async update(id: string, patch: KeyPatch): Promise<KeyChange> {
		return (await this.#writer(id)).update(id, patch);
	}

	/**
	 * Records a key's last use through its writer (which writes `used:<id>`, apart from the
	 * record). Callers throttle: the rate limiter asks for it at most once a minute per key.
	 */
	async touch(id: string, now = new Date()): Promise<void> {
		await (await this.#writer(id)).touch(id, now.toISOString());
	}

	async #writer(id: string): Promise<KeyWriterClient> {
		// Inside the Worker the namespace comes from its env; tools outside it pass theirs.
		const ns =
			this.writers ??
			(await import("cloudflare:workers").then(
				(workers) => workers.env.KEY_WRITER,
				() => {
					throw new Error("outside the Worker, a KeyStore that changes keys needs the KEY_WRITER namespace");
				},
			));
		return keyWriterOf(ns, id);
	}
}

/** A new key's record. */
function newRecord(id: string, key: string, input: NewKey, now: Date): KeyRecord {
	return {
		id,
		name: input.name,
		prefix: displayPrefix(key),
		scopes: [...new Set(input.scopes)],
		limits: input.limits,
		created_at: now.toISOString(),
		...(input.expires_at ? { expires_at: input.expires_at } : {}),
	};
}
