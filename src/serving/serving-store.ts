/**
 * Serving's read path, memoised in the isolate. What serves is whatever the newest run
 * published (`serving_state`, re-read at most every MODEL_REFRESH_SECONDS); a card's latest
 * answer is its `serving_cards` row (one D1 read), and its dated history one line of a run's
 * NDJSON object in R2, read by byte range (one R2 read of that card's bytes only). Both are kept
 * in bounded LRUs keyed by the publishing run, so a new night's data is a new key: nothing is
 * ever invalidated by hand, and memory stays bounded whatever the catalogue size.
 */
import type { Config } from "../config";
import { getServingCard, getServingState, type ServingCard, type ServingState } from "../db/serving";
import { Lru } from "../lib/lru";

type Stores = { DB: D1Database; ARCHIVE: R2Bucket };

/** One card's served history, as a publish step wrote it. */
export type HistoryLine = {
	card_id: string;
	name: string;
	set: string;
	model_version: string;
	min_price: number;
	horizon_days: number;
	move: number;
	dates: string[];
	prices: number[];
	fair: number[];
	p_up: number[] | null;
	p_down: number[] | null;
	/** One answer code per day (see src/model/answers.ts). */
	codes: string;
};

/** The isolate's view of what serves. */
export class ServingStore {
	#state: { value: ServingState | null; at: number; pending?: Promise<ServingState | null> } | undefined;
	#cards: Lru<string, Promise<ServingCard | null>>;
	#histories: Lru<string, Promise<HistoryLine | null>>;

	constructor(private readonly config: Pick<Config, "MODEL_REFRESH_SECONDS" | "CARD_MEMO_ENTRIES">) {
		this.#cards = new Lru(config.CARD_MEMO_ENTRIES);
		// Histories are larger than rows (a line per card-day): a quarter as many.
		this.#histories = new Lru(Math.max(16, Math.floor(config.CARD_MEMO_ENTRIES / 4)));
	}

	/** The newest publishing run, or null before any published. */
	async state(stores: Stores): Promise<ServingState | null> {
		const now = Date.now();
		const memo = this.#state;
		if (memo?.pending) return memo.pending;
		// "Nothing published yet" is trusted for a second only, so the first run is served at once.
		const ttl = memo?.value
			? this.config.MODEL_REFRESH_SECONDS * 1000
			: Math.min(1000, this.config.MODEL_REFRESH_SECONDS * 1000);
		if (memo && now - memo.at < ttl) return memo.value;
		const pending = getServingState(stores.DB);
		this.#state = { value: memo?.value ?? null, at: memo?.at ?? 0, pending };
		try {
			const value = await pending;
			this.#state = { value, at: Date.now() };
			return value;
		} catch (error) {
			this.#state = memo;
			throw error;
		}
	}

	/** Whether this isolate holds the card (or knows it is missing) as of a publishing run. */
	hasCard(epoch: string, cardId: string): boolean {
		return this.#cards.has(`${epoch}\u0000${cardId}`);
	}

	/** A card's served row as of the publishing run `epoch`, or null when it is not served. */
	card(stores: Stores, epoch: string, cardId: string): Promise<ServingCard | null> {
		return this.#remember(this.#cards, `${epoch}\u0000${cardId}`, () => getServingCard(stores.DB, cardId));
	}

	/** A card's history: the byte range of its line in the run's NDJSON object. */
	history(stores: Stores, card: ServingCard): Promise<HistoryLine | null> {
		return this.#remember(this.#histories, `${card.object_key}\u0000${card.byte_offset}`, async () => {
			const object = await stores.ARCHIVE.get(card.object_key, {
				range: { offset: card.byte_offset, length: card.byte_length },
			});
			if (!object) return null;
			return JSON.parse(await object.text()) as HistoryLine;
		});
	}

	#remember<T>(lru: Lru<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
		const hit = lru.get(key);
		if (hit) return hit;
		const pending = load();
		lru.set(key, pending);
		// A failed read must not be remembered: drop it so the next request tries again.
		pending.catch(() => lru.delete(key));
		return pending;
	}
}

let store: { config: Config; store: ServingStore } | undefined;

/** The isolate's serving store (rebuilt when the configuration object changes, as in tests). */
export function servingStore(config: Config): ServingStore {
	if (store?.config !== config) store = { config, store: new ServingStore(config) };
	return store.store;
}
