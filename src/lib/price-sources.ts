/**
 * Price sources behind one interface. A source plans its cards into shards (ranges of card ids
 * in order) and collects one shard at a time, so no step ever holds more than a shard.
 * - `sample`: the shipped sample CSV in R2 (`samples/card_prices.csv`), replayed as of the run date.
 * - `file:<sha256>`: an uploaded CSV (`imports/sha256=<sha256>.csv`), as of the run date.
 * - `live`: the Price Tracker API over the card universe in config/cards.json.
 */
import type { Config } from "../config";
import type { OutcomeRow } from "../db/run-records";
import type { PriceRow } from "../model/card-series";
import { pipelineKeys } from "./artifact-keys";
import { cardUniverse, type UniverseCard } from "./card-universe";
import { CsvImportError, parsePriceCsv } from "./csv";
import { sha256Hex } from "./hash";
import { collectCards, type TrackerOptions } from "./price-tracker";

/** A source refers to data that is not there or not usable: retrying cannot help. */
export class SourceError extends Error {
	override name = "SourceError";
}

/** A shard: the cards with ids in [first, last], in order. */
export type ShardRange = { index: number; first: string; last: string; cards: number };

/** What a source will collect: its input object (CSV sources), card count and shards. */
export type SourcePlan = { input: { key: string; sha256: string } | null; cards: number; shards: ShardRange[] };

/** What collecting one shard gave. */
export type ShardCollection = {
	rows: PriceRow[];
	outcomes: OutcomeRow[];
	dailyRemaining: number | null;
	stopped: string | null;
};

/** The carry-over between live shards: the last known daily credits, and why collection stopped. */
export type CollectState = { dailyRemaining: number | null; stopped: string | null };

/** One interface for every source. */
export interface PriceSource {
	plan(shardCards: number): Promise<SourcePlan>;
	collect(shard: ShardRange, state: CollectState): Promise<ShardCollection>;
}

/** Splits card ids (sorted) into shards of at most `size`. */
export function shardRanges(cardIds: readonly string[], size: number): ShardRange[] {
	const shards: ShardRange[] = [];
	for (let i = 0; i < cardIds.length; i += size) {
		const ids = cardIds.slice(i, i + size);
		shards.push({ index: shards.length, first: ids[0] as string, last: ids.at(-1) as string, cards: ids.length });
	}
	return shards;
}

const inShard = (id: string, s: ShardRange) => id >= s.first && id <= s.last;

/** A CSV in R2 (the sample or an upload), replayed as of the run date. */
export class CsvSource implements PriceSource {
	constructor(
		private readonly bucket: R2Bucket,
		private readonly key: string,
		private readonly label: string,
		private readonly runDate: string,
	) {}

	async #rows(): Promise<{ rows: PriceRow[]; sha256: string }> {
		const object = await this.bucket.get(this.key);
		if (!object) throw new SourceError(`no ${this.label} at ${this.key} in R2`);
		const text = await object.text();
		try {
			const rows = parsePriceCsv(text, this.label).filter((r) => r.date <= this.runDate);
			return { rows, sha256: await sha256Hex(text) };
		} catch (error) {
			if (error instanceof CsvImportError) throw new SourceError(`${this.key}: ${error.message}`);
			throw error;
		}
	}

	async plan(shardCards: number): Promise<SourcePlan> {
		const { rows, sha256 } = await this.#rows();
		const ids = [...new Set(rows.map((r) => r.card_id))].sort();
		if (ids.length === 0) throw new SourceError(`${this.key} has no prices on or before ${this.runDate}`);
		return { input: { key: this.key, sha256 }, cards: ids.length, shards: shardRanges(ids, shardCards) };
	}

	async collect(shard: ShardRange, _state?: CollectState): Promise<ShardCollection> {
		const { rows } = await this.#rows();
		return { rows: rows.filter((r) => inShard(r.card_id, shard)), outcomes: [], dailyRemaining: null, stopped: null };
	}
}

/** The Price Tracker API over the card universe. */
export class LiveSource implements PriceSource {
	constructor(
		private readonly options: TrackerOptions,
		private readonly universe: readonly UniverseCard[] = cardUniverse(),
	) {}

	async plan(shardCards: number): Promise<SourcePlan> {
		const ids = this.universe.map((c) => c.card_id);
		return { input: null, cards: ids.length, shards: shardRanges(ids, shardCards) };
	}

	async collect(shard: ShardRange, state: CollectState): Promise<ShardCollection> {
		const cards = this.universe.filter((c) => inShard(c.card_id, shard));
		return collectCards(cards, this.options, state);
	}
}

/** The source a run's `source` names. */
export function openSource(env: { ARCHIVE: R2Bucket }, config: Config, source: string, runDate: string): PriceSource {
	if (source === "sample") return new CsvSource(env.ARCHIVE, pipelineKeys.sample, "sample", runDate);
	if (source.startsWith("file:"))
		return new CsvSource(env.ARCHIVE, pipelineKeys.upload(source.slice(5)), source, runDate);
	if (source !== "live") throw new SourceError(`unknown source "${source}"`);
	if (!config.PRICE_TRACKER_API_KEY)
		throw new SourceError(
			"the live source needs the PRICE_TRACKER_API_KEY secret (wrangler secret put PRICE_TRACKER_API_KEY)",
		);
	return new LiveSource({
		baseUrl: config.PRICE_TRACKER_BASE_URL,
		apiKey: config.PRICE_TRACKER_API_KEY,
		days: config.PRICE_TRACKER_HISTORY_DAYS,
		timeoutMs: config.PRICE_TRACKER_TIMEOUT_MS,
		maxRetries: config.PRICE_TRACKER_MAX_RETRIES,
		backoffMs: config.PRICE_TRACKER_BACKOFF_MS,
		maxWaitSeconds: config.PRICE_TRACKER_MAX_WAIT_SECONDS,
		dailyReserve: config.PRICE_TRACKER_DAILY_RESERVE,
		runDate,
	});
}
