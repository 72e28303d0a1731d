import { z } from "zod";
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedKey, type KeyEnv, newKeyId, SCOPES } from "./api-keys";

/** The KV record of one API key, stored under `key:<sha256hex>`. Holds no secret. */
export const KeyRecord = z.object({
	id: z.string(),
	name: z.string(),
	prefix: z.string(),
	scopes: z.array(z.enum(SCOPES as ["read", "admin"])),
	limits: z.object({
		requests_per_minute: z.number().int().positive(),
		burst: z.number().int().positive(),
		// A daily quota (UTC day) on top of the bucket; none when absent.
		requests_per_day: z.number().int().positive().optional(),
	}),
	created_at: z.string(),
	expires_at: z.string().optional(),
	revoked_at: z.string().optional(),
	last_used_at: z.string().optional(),
	rotated_to: z.string().optional(),
	grace_until: z.string().optional(),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

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

/** Why a record cannot be used right now, or null when it can. */
export function recordState(record: KeyRecord, now: Date): "revoked" | "expired" | null {
	const t = now.toISOString();
	if (record.revoked_at && record.revoked_at <= t) return "revoked";
	if (record.grace_until && record.grace_until <= t) return "revoked";
	if (record.expires_at && record.expires_at <= t) return "expired";
	return null;
}

/** What issuing a key needs. */
export type NewKey = {
	name: string;
	scopes: KeyRecord["scopes"];
	limits: KeyRecord["limits"];
	expires_at?: string;
};

/** The key registry over a KeyValueStore: create, look up, list, revoke, rotate, touch. */
export class KeyStore {
	constructor(private readonly kv: KeyValueStore) {}

	/**
	 * Issues a key; the secret is returned here and never stored. `presetKey` registers a key
	 * the operator already holds (the local dev key) instead of generating one.
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
		const record: KeyRecord = {
			id: newKeyId(),
			name: input.name,
			prefix: displayPrefix(key),
			scopes: [...new Set(input.scopes)],
			limits: input.limits,
			created_at: now.toISOString(),
			...(input.expires_at ? { expires_at: input.expires_at } : {}),
		};
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

	/** Revokes a key now. Returns the updated record, or null when there is no such id. */
	async revoke(id: string, now = new Date()): Promise<KeyRecord | null> {
		const found = await this.findById(id);
		if (!found) return null;
		if (found.record.revoked_at) return found.record;
		const record = { ...found.record, revoked_at: now.toISOString() };
		await this.kv.put(KV.record(found.hash), JSON.stringify(record));
		return record;
	}

	/**
	 * Issues a replacement with the same name, scopes and limits; the old key stays valid until
	 * `graceSeconds` from now. Returns null when there is no usable key with this id (unknown,
	 * revoked, expired, or already rotated).
	 */
	async rotate(id: string, env: KeyEnv, graceSeconds: number, now = new Date()) {
		const found = await this.findById(id);
		// A key already being rotated is not rotated again: its successor is the one to rotate.
		if (!found || recordState(found.record, now) || found.record.rotated_to) return null;
		const old = found.record;
		const created = await this.create(
			{
				name: old.name,
				scopes: old.scopes,
				limits: old.limits,
				...(old.expires_at ? { expires_at: old.expires_at } : {}),
			},
			env,
			now,
		);
		const graceUntil = new Date(now.getTime() + graceSeconds * 1000).toISOString();
		const updated: KeyRecord = { ...old, rotated_to: created.record.id, grace_until: graceUntil };
		await this.kv.put(KV.record(found.hash), JSON.stringify(updated));
		return { ...created, previous: updated };
	}

	/** Records a key's last use (its own KV entry, so it never races a revocation). */
	touch(id: string, now = new Date()): Promise<void> {
		return this.kv.put(KV.lastUsed(id), now.toISOString());
	}
}
