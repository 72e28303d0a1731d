import type { ApiKeyInfo } from "../../src/api/schemas/keys";
import type { KeyEnv } from "../../src/keys/api-keys";
import type { KeyWriter } from "../../src/keys/key-writer";
import { KeyStore, type NewKey, type Rotation } from "../../src/keys/store";
import type { KeyChange, KeyPatch, KeyRecord } from "../../src/keys/types";
import { type Api, type ApiAnswer, describeProblem } from "./api-client";

/**
 * What the keys CLI does to keys, wherever they live. Reads come from KV's read copy; every
 * change goes through the key's writer (the KeyWriter Durable Object), either by RPC into the
 * local one or through a running Worker's admin API, which calls its own.
 */
export interface KeyAdmin {
	/** Where changes go, for messages. */
	readonly label: string;
	list(): Promise<KeyRecord[]>;
	findByKey(key: string): Promise<KeyRecord | null>;
	/** Issues a key; limits not given are the deployment's defaults. */
	issue(input: KeyRequest): Promise<{ key: string; record: KeyRecord }>;
	revoke(id: string): Promise<KeyChange>;
	/** Rotates; without `graceHours`, the deployment's KEY_ROTATION_GRACE_HOURS. */
	rotate(id: string, graceHours?: number): Promise<Rotation>;
	update(id: string, patch: KeyPatch): Promise<KeyChange>;
}

/** A new key as the CLI asks for it: only the limits given. */
export type KeyRequest = Omit<NewKey, "limits"> & { limits: Partial<NewKey["limits"]> };

/** The defaults of a deployment's config. */
export type KeyDefaults = { rpm: number; burst: number; graceHours: number };

/** A key request with the limits it leaves out filled from the deployment's defaults. */
const withDefaults = (input: KeyRequest, defaults: KeyDefaults): NewKey => ({
	...input,
	limits: {
		...input.limits,
		requests_per_minute: input.limits.requests_per_minute ?? defaults.rpm,
		burst: input.limits.burst ?? defaults.burst,
	},
});

/** The local writers, by RPC (src/keys/key-writer.ts through Miniflare). */
export class WriterKeyAdmin implements KeyAdmin {
	readonly label = "local state (the KeyWriter objects)";
	readonly #store: KeyStore;

	constructor(
		kv: KVNamespace,
		writers: DurableObjectNamespace<KeyWriter>,
		private readonly keyEnv: KeyEnv,
		private readonly defaults: KeyDefaults,
	) {
		this.#store = new KeyStore(kv, writers);
	}

	list = () => this.#store.list();
	findByKey = (key: string) => this.#store.findByKey(key);
	issue = (input: KeyRequest) => this.#store.issue(withDefaults(input, this.defaults), this.keyEnv);
	revoke = (id: string) => this.#store.revoke(id);
	rotate = (id: string, graceHours = this.defaults.graceHours) =>
		this.#store.rotate(id, this.keyEnv, graceHours * 3600);
	update = (id: string, patch: KeyPatch) => this.#store.update(id, patch);
}

/** A listing entry back in the record's shape (absent instead of null). */
function fromInfo(info: ApiKeyInfo): KeyRecord {
	const record: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(info)) if (v !== null) record[k] = v;
	return record as KeyRecord;
}

type Problem = { status: number; body: { code?: string; rotated_to?: string | null } };

/** A refused change as the writer would have said it, from the API's problem. */
function refusal(answer: Problem, id: string): Extract<KeyChange, { ok: false }> {
	if (answer.status === 404) return { ok: false, refusal: "not_found" };
	if (answer.status !== 409) throw new Error(describeProblem(answer));
	const detail = (answer.body as { detail?: string }).detail ?? "";
	if (answer.body.rotated_to)
		return { ok: false, refusal: "rotated", record: { rotated_to: answer.body.rotated_to, id } as KeyRecord };
	return { ok: false, refusal: /expired/.test(detail) ? "expired" : "revoked" };
}

/**
 * A Worker's admin API (`npm start`'s, or a deployed one): its routes call the writers. Lookups
 * by secret, which the API never offers, read KV through `lookup`.
 */
export class ApiKeyAdmin implements KeyAdmin {
	readonly label: string;

	constructor(
		api: Api | (() => Api),
		protected readonly lookup: KeyStore,
		label?: string,
	) {
		// Lazily: a deployment's reads need no admin key, only its changes do.
		this.#api = typeof api === "function" ? api : () => api;
		this.label = label ?? this.#api().target.label;
	}

	readonly #api: () => Api;
	private get api(): Api {
		return this.#api();
	}

	async list(): Promise<KeyRecord[]> {
		const keys: KeyRecord[] = [];
		let cursor: string | null = null;
		do {
			const path: string = `/v1/admin/keys?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
			const answer: ApiAnswer<{ data: ApiKeyInfo[]; next_cursor: string | null }> = await this.api.request<{
				data: ApiKeyInfo[];
				next_cursor: string | null;
			}>("GET", path);
			if (answer.status !== 200) throw new Error(describeProblem(answer));
			keys.push(...answer.body.data.map(fromInfo));
			cursor = answer.body.next_cursor;
		} while (cursor);
		return keys;
	}

	findByKey = (key: string) => this.lookup.findByKey(key);

	async issue(input: KeyRequest) {
		const answer = await this.api.request<{ key: string; info: ApiKeyInfo }>("POST", "/v1/admin/keys", input);
		if (answer.status !== 201) throw new Error(describeProblem(answer));
		return { key: answer.body.key, record: fromInfo(answer.body.info) };
	}

	async revoke(id: string): Promise<KeyChange> {
		// The API revokes idempotently; whether it already was is read just before.
		const api = this.api;
		const before = (await this.list()).find((r) => r.id === id);
		const answer = await api.request<ApiKeyInfo>("DELETE", `/v1/admin/keys/${encodeURIComponent(id)}`);
		if (answer.status !== 200) return refusal(answer as Problem, id);
		return { ok: true, record: fromInfo(answer.body), changed: !before?.revoked_at };
	}

	async rotate(id: string, graceHours?: number): Promise<Rotation> {
		const answer = await this.api.request<{ key: string; info: ApiKeyInfo; previous: ApiKeyInfo }>(
			"POST",
			`/v1/admin/keys/${encodeURIComponent(id)}/rotate`,
			graceHours === undefined ? {} : { grace_hours: graceHours },
		);
		if (answer.status !== 201) return refusal(answer as Problem, id);
		return {
			ok: true,
			key: answer.body.key,
			record: fromInfo(answer.body.info),
			previous: fromInfo(answer.body.previous),
		};
	}

	async update(id: string, patch: KeyPatch): Promise<KeyChange> {
		const answer = await this.api.request<ApiKeyInfo>("PATCH", `/v1/admin/keys/${encodeURIComponent(id)}`, patch);
		if (answer.status !== 200) return refusal(answer as Problem, id);
		return { ok: true, record: fromInfo(answer.body), changed: true };
	}
}

/**
 * A deployment (`--env`): changes to existing keys through its admin API (POKEWATCH_URL and
 * POKEWATCH_API_KEY); reads, and new keys, through its KV namespace (`wrangler kv`), so the first
 * admin key of a new deployment can be issued without one. A new key is written straight to KV:
 * its id is new, so nothing can race it, and its writer adopts it on its first change.
 */
export class RemoteKeyAdmin extends ApiKeyAdmin {
	constructor(
		api: () => Api,
		lookup: KeyStore,
		private readonly keyEnv: KeyEnv,
		private readonly defaults: KeyDefaults,
		label: string,
	) {
		super(api, lookup, label);
	}

	override list(): Promise<KeyRecord[]> {
		return this.lookup.list();
	}

	override issue(input: KeyRequest): Promise<{ key: string; record: KeyRecord }> {
		return this.lookup.create(withDefaults(input, this.defaults), this.keyEnv);
	}
}
