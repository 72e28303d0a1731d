import { DurableObject } from "cloudflare:workers";
import { changeRefusal, keepRevocation, patched, readCopy, revoked, successorOf } from "./changes";
import { KV } from "./store";
import {
	type KeyChange,
	type KeyPatch,
	KeyRecord,
	type KeyWriterClient,
	type RotateChange,
	type Successor,
} from "./types";
import { keyWriterOf } from "./writers";

/** What the object's storage holds under "key": the authoritative record and its hash. */
type Held = { hash: string; record: KeyRecord };

// After a failed KV write, the read copy is written again this much later (and again, until it lands).
const REPUBLISH_MS = 5_000;

/**
 * The one writer of one API key, addressed by the key's id.
 *
 * Every change (create, revoke, rotate, update, touch) runs through one promise chain, so changes
 * apply one at a time even though each awaits KV (an RPC call awaiting I/O would otherwise let the
 * next call in half-way). The record in this object's storage is the truth; KV's `key:<hash>` and
 * `keyid:<id>` are the edge's read copy, rewritten after each change in the same order, so the
 * last KV write is always the latest state. A revocation is sticky: `keepRevocation` guards the
 * one place a record is stored, so no later change can clear it. A key that exists only in KV
 * (issued before this writer existed, or seeded by tooling) is adopted on its first change.
 */
export class KeyWriter extends DurableObject<Env> implements KeyWriterClient {
	#tail: Promise<unknown> = Promise.resolve();

	/** Runs `fn` after every change before it has finished, whether that one failed or not. */
	#serial<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#tail.then(fn);
		this.#tail = run.catch(() => undefined);
		return run;
	}

	create(hash: string, record: KeyRecord): Promise<KeyChange> {
		return this.#serial(async () => {
			if (this.#held()) return { ok: false, refusal: "exists" };
			const held = { hash, record: KeyRecord.parse(record) };
			this.ctx.storage.kv.put<Held>("key", held);
			await this.#publish(true);
			return { ok: true, record: held.record, changed: true };
		});
	}

	get(id: string): Promise<KeyRecord | null> {
		return this.#serial(async () => (await this.#load(id))?.record ?? null);
	}

	revoke(id: string): Promise<KeyChange> {
		return this.#serial(async () => {
			const held = await this.#load(id);
			if (!held) return { ok: false, refusal: "not_found" };
			if (held.record.revoked_at) {
				// The copy is written again: a repeated revocation repairs a copy that never landed, or
				// that something other than this writer overwrote (an older Worker during a rollout).
				await this.#publish(false);
				return { ok: true, record: held.record, changed: false };
			}
			return { ok: true, record: await this.#commit(held, revoked(held.record, new Date())), changed: true };
		});
	}

	rotate(id: string, successor: Successor, graceSeconds: number): Promise<RotateChange> {
		return this.#serial(async () => {
			const held = await this.#load(id);
			if (!held) return { ok: false, refusal: "not_found" };
			const now = new Date();
			const refusal = changeRefusal(held.record, now);
			if (refusal) return { ok: false, refusal, record: held.record };
			if (held.record.rotated_to) return { ok: false, refusal: "rotated", record: held.record };
			const made = await keyWriterOf(this.env.KEY_WRITER, successor.id).create(
				successor.hash,
				successorOf(held.record, successor, now),
			);
			if (!made.ok) return { ok: false, refusal: "exists" };
			const graceUntil = new Date(now.getTime() + graceSeconds * 1000).toISOString();
			const record = await this.#commit(held, { ...held.record, rotated_to: successor.id, grace_until: graceUntil });
			return { ok: true, record, changed: true, successor: made.record };
		});
	}

	update(id: string, patch: KeyPatch): Promise<KeyChange> {
		return this.#serial(async () => {
			const held = await this.#load(id);
			if (!held) return { ok: false, refusal: "not_found" };
			const refusal = changeRefusal(held.record, new Date());
			if (refusal) return { ok: false, refusal, record: held.record };
			return { ok: true, record: await this.#commit(held, patched(held.record, patch)), changed: true };
		});
	}

	touch(id: string, at: string): Promise<void> {
		return this.#serial(async () => {
			const held = await this.#load(id);
			if (held?.record.last_used_at && held.record.last_used_at >= at) return;
			// Last use is kept apart from the read copy: a busy key never rewrites `key:<hash>`. (An id
			// with no record still gets its stamp: the caller authenticated it, this writer did not.)
			if (held) this.ctx.storage.kv.put<Held>("key", { ...held, record: { ...held.record, last_used_at: at } });
			await this.env.API_KEYS.put(KV.lastUsed(id), at);
		});
	}

	/** A read copy that failed to land is written again. */
	override alarm(): Promise<void> {
		return this.#serial(async () => {
			if (this.ctx.storage.kv.get("pending")) await this.#publish(true);
		});
	}

	#held(): Held | undefined {
		return this.ctx.storage.kv.get<Held>("key");
	}

	/** The held record, adopting it from KV on first use; null when there is no such key. */
	async #load(id: string): Promise<Held | null> {
		const held = this.#held();
		if (held) {
			if (held.record.id !== id) throw new Error(`the writer of ${held.record.id} was asked about ${id}`);
			return held;
		}
		const hash = await this.env.API_KEYS.get(KV.byId(id));
		const raw = hash ? await this.env.API_KEYS.get(KV.record(hash)) : null;
		if (!hash || !raw) return null;
		const used = await this.env.API_KEYS.get(KV.lastUsed(id));
		const record = KeyRecord.parse(JSON.parse(raw));
		const adopted = { hash, record: used ? { ...record, last_used_at: used } : record };
		this.ctx.storage.kv.put<Held>("key", adopted);
		return adopted;
	}

	/** Stores `next` (never clearing a revocation) and writes the read copy. */
	async #commit(held: Held, next: KeyRecord): Promise<KeyRecord> {
		const record = keepRevocation(held.record, next);
		this.ctx.storage.kv.put<Held>("key", { hash: held.hash, record });
		await this.#publish(false);
		return record;
	}

	/** Writes the read copy of the held record (and its id index); on failure, again by alarm. */
	async #publish(withIndex: boolean): Promise<void> {
		const held = this.#held();
		if (!held) return;
		this.ctx.storage.kv.put("pending", true);
		try {
			// The id index first: a record is never reachable without its index.
			if (withIndex) await this.env.API_KEYS.put(KV.byId(held.record.id), held.hash);
			await this.env.API_KEYS.put(KV.record(held.hash), JSON.stringify(readCopy(held.record)));
			this.ctx.storage.kv.delete("pending");
		} catch (error) {
			await this.ctx.storage.setAlarm(Date.now() + REPUBLISH_MS);
			throw error;
		}
	}
}
