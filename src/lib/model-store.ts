import type { Config } from "../config";
import { getChampion, type ModelVersion } from "../db/models";
import { type CardSeries, CardSeries as CardSeriesSchema } from "../model/card-series";
import { artifactKeys } from "./artifact-keys";
import { memo } from "./cache-memo";
import { Lru } from "./lru";

type Stores = { DB: D1Database; ARCHIVE: R2Bucket };

// Artifacts never change under a version, so a day in the data centre's cache is safe.
const CARD_TTL_SECONDS = 86_400;

/**
 * Serving's read path to model artifacts, memoised in the isolate.
 * - The champion pointer is re-read from D1 at most every MODEL_REFRESH_SECONDS, so a
 *   promotion is picked up without a redeploy (and within a second while none is promoted).
 * - A card is read once per isolate and kept in a bounded LRU keyed by version and card
 *   (unknown cards are remembered too), so memory stays bounded whatever the catalogue size
 *   and no request loads the whole catalogue. Given `waitUntil`, the read goes through the
 *   Cache API memo first (shared by the data centre's isolates), then R2: one storage read.
 */
export class ModelStore {
	#champion: { value: ModelVersion | null; at: number; pending?: Promise<ModelVersion | null> } | undefined;
	#cards: Lru<string, Promise<CardSeries | null>>;

	constructor(private readonly config: Pick<Config, "MODEL_REFRESH_SECONDS" | "CARD_MEMO_ENTRIES">) {
		this.#cards = new Lru(config.CARD_MEMO_ENTRIES);
	}

	/** The serving model version, or null while none is promoted. */
	async champion(stores: Stores): Promise<ModelVersion | null> {
		const now = Date.now();
		const memo = this.#champion;
		if (memo?.pending) return memo.pending;
		// "No champion yet" is trusted for a second only, so the first promotion is served at once.
		const ttl = memo?.value
			? this.config.MODEL_REFRESH_SECONDS * 1000
			: Math.min(1000, this.config.MODEL_REFRESH_SECONDS * 1000);
		if (memo && now - memo.at < ttl) return memo.value;
		const pending = getChampion(stores.DB);
		this.#champion = { value: memo?.value ?? null, at: memo?.at ?? 0, pending };
		try {
			const value = await pending;
			this.#champion = { value, at: Date.now() };
			return value;
		} catch (error) {
			this.#champion = memo;
			throw error;
		}
	}

	/** Whether this isolate already holds the card (or knows it is missing) under `version`. */
	hasCard(version: string, cardId: string): boolean {
		return this.#cards.has(`${version}\u0000${cardId}`);
	}

	/** One card's series under `version`, or null when the version has no such card. */
	card(
		stores: Stores,
		version: string,
		cardId: string,
		waitUntil?: (promise: Promise<unknown>) => void,
	): Promise<CardSeries | null> {
		const key = `${version}\u0000${cardId}`;
		const hit = this.#cards.get(key);
		if (hit) return hit;
		const load = waitUntil
			? memo(
					waitUntil,
					"card",
					`${version}/${cardId}`,
					CARD_TTL_SECONDS,
					() => loadCard(stores.ARCHIVE, version, cardId),
					{
						inIsolate: false,
					},
				).then((m) => m.value)
			: loadCard(stores.ARCHIVE, version, cardId);
		this.#cards.set(key, load);
		// A failed read must not be remembered: drop it so the next request tries again.
		load.catch(() => this.#cards.delete(key));
		return load;
	}
}

async function loadCard(bucket: R2Bucket, version: string, cardId: string): Promise<CardSeries | null> {
	const object = await bucket.get(artifactKeys.card(version, cardId));
	if (!object) return null;
	return CardSeriesSchema.parse(await object.json());
}

let store: { config: Config; store: ModelStore } | undefined;

/** The isolate's model store (rebuilt when the configuration object changes, as in tests). */
export function modelStore(config: Config): ModelStore {
	if (store?.config !== config) store = { config, store: new ModelStore(config) };
	return store.store;
}
