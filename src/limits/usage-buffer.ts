import { Lru } from "../lib/lru";
import { utcDay } from "./bucket";
import type { UsageCount } from "./types";

type Pending = { since: number; counts: Map<string, UsageCount> };

/**
 * An isolate's request counts per key, (UTC day, route pattern), held in memory and handed to
 * the key's limiter object in batches: at most one batch per key per flush interval, so counting
 * never costs a storage write per request. Bounded: keys that never come back cannot grow it.
 */
export class UsageBuffer {
	#pending = new Lru<string, Pending>(10_000);

	/** Counts one request of `keyId` on `route`: admitted, or refused by a limit. */
	count(keyId: string, route: string, refused: boolean, now = Date.now()): void {
		this.#add(keyId, { day: utcDay(now), route, requests: refused ? 0 : 1, refused: refused ? 1 : 0 }, now);
	}

	#add(keyId: string, count: UsageCount, now: number) {
		let pending = this.#pending.get(keyId);
		if (!pending) {
			pending = { since: now, counts: new Map() };
			this.#pending.set(keyId, pending);
		}
		const id = `${count.day} ${count.route}`;
		const entry = pending.counts.get(id);
		if (entry) {
			entry.requests += count.requests;
			entry.refused += count.refused;
		} else pending.counts.set(id, { ...count });
	}

	/** Whether `keyId` has counts older than `intervalMs`. */
	due(keyId: string, intervalMs: number, now = Date.now()): boolean {
		const pending = this.#pending.get(keyId);
		return pending !== undefined && now - pending.since >= intervalMs;
	}

	/** Removes and returns `keyId`'s counts (undefined when there are none). */
	drain(keyId: string): UsageCount[] | undefined {
		const pending = this.#pending.get(keyId);
		if (!pending) return undefined;
		this.#pending.delete(keyId);
		return [...pending.counts.values()];
	}

	/** Puts back counts a failed flush could not deliver, so they go with the next one. */
	restore(keyId: string, counts: UsageCount[] | undefined, now = Date.now()): void {
		for (const c of counts ?? []) this.#add(keyId, c, now);
	}

	/** Forgets everything (tests). */
	clear(): void {
		this.#pending.clear();
	}
}
