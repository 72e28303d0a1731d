/**
 * Price sources behind one interface. A source plans its cards into shards (ranges of card ids
 * in order) and collects one shard at a time, so no step ever holds more than a shard.
 * - `sample`: the shipped sample CSV in R2 (`samples/card_prices.csv`), replayed as of the run date.
 * - `file:<id>`: an import (`imports/<id>/manifest.json` and its chunks), as of the run date;
 *   a shard is one or more whole chunks, so a file of any size is read a shard at a time.
 * - `tcgcsv`, `live`, `history`: the price history as of the run date (the last
 *   PIPELINE_HISTORY_DAYS days of every source), which the run's own collection steps fill first:
 *   the whole TCGCSV feed, or the Price Tracker API over config/cards.json (`history` collects nothing).
 * - `synthetic:<cards>x<days>:<seed>`: generated prices for benchmarks (synthetic-prices.ts), only
 *   where PIPELINE_SYNTHETIC is true (never in production, never by the cron).
 */
import type { Config } from "../config";
import { catalogueCards, catalogueRange } from "../db/catalogue";
import { type DayVersion, listHistoryDays } from "../db/history";
import type { OutcomeRow } from "../db/run-records";
import { CsvImportError } from "../lib/csv";
import { sha256Hex } from "../lib/hash";
import type { PriceRow } from "../model/card-series";
import { addDays } from "../model/dates";
import { readHistoryRange } from "./history/reader";
import type { ChunkInfo, ImportManifest } from "./imports";
import { priceKeys } from "./keys";
import { parsePriceCsv } from "./price-rows";
import { parseSyntheticSource, type SyntheticSpec, syntheticCardId, syntheticIndex, syntheticRows } from "./synthetic";

/** A source refers to data that is not there or not usable: retrying cannot help. */
export class SourceError extends Error {
	override name = "SourceError";
}

/** A shard: the cards with ids in [first, last], in order (for an import, the chunks that hold them). */
export type ShardRange = { index: number; first: string; last: string; cards: number; chunks?: string[] };

/**
 * What a source will collect: its input object (CSV sources, or the history's days), card count
 * and shards; for the history, the day versions every shard reads (so the run reads one history
 * even if a day is written again while it runs).
 */
export type SourcePlan = {
	input: { key: string; sha256: string } | null;
	cards: number;
	shards: ShardRange[];
	history?: DayVersion[];
};

/** What collecting one shard gave. */
export type ShardCollection = {
	rows: PriceRow[];
	outcomes: OutcomeRow[];
	dailyRemaining: number | null;
	stopped: string | null;
	/** Cards of the shard that are sealed products (the history knows; other sources have none). */
	sealed?: string[];
};

/** The carry-over between live shards: the last known daily credits, and why collection stopped. */
export type CollectState = { dailyRemaining: number | null; stopped: string | null };

/** One interface for every source. */
export interface PriceSource {
	/** Cuts the cards into shards of at most `shardCards` cards and (as far as it can tell) `shardRows` rows. */
	plan(shardCards: number, shardRows?: number): Promise<SourcePlan>;
	collect(shard: ShardRange, state: CollectState): Promise<ShardCollection>;
}

/**
 * Splits card ids (sorted) into shards of at most `size` cards and, when `rowsOf` tells each
 * card's price rows, at most `maxRows` rows (a card with more rows than that gets a shard alone:
 * a card is never split).
 */
export function shardRanges(
	cardIds: readonly string[],
	size: number,
	rowsOf?: (cardId: string) => number,
	maxRows = Number.POSITIVE_INFINITY,
): ShardRange[] {
	const shards: ShardRange[] = [];
	const cut = (from: number, to: number) =>
		shards.push({
			index: shards.length,
			first: cardIds[from] as string,
			last: cardIds[to - 1] as string,
			cards: to - from,
		});
	let start = 0;
	let rows = 0;
	for (let i = 0; i < cardIds.length; i++) {
		const r = rowsOf?.(cardIds[i] as string) ?? 0;
		if (i > start && (i - start >= size || rows + r > maxRows)) {
			cut(start, i);
			start = i;
			rows = 0;
		}
		rows += r;
	}
	if (start < cardIds.length) cut(start, cardIds.length);
	return shards;
}

/** Cards per shard when every card has at most `rowsPerCard` rows: within both limits, at least one. */
export const cardsPerShard = (shardCards: number, shardRows: number, rowsPerCard: number) =>
	Math.max(1, Math.min(shardCards, Math.floor(shardRows / Math.max(1, rowsPerCard))));

const inShard = (id: string, s: ShardRange) => id >= s.first && id <= s.last;

/** The sample CSV in R2, replayed as of the run date (small: read whole by each step). */
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

	async plan(shardCards: number, shardRows?: number): Promise<SourcePlan> {
		const { rows, sha256 } = await this.#rows();
		const perCard = new Map<string, number>();
		for (const r of rows) perCard.set(r.card_id, (perCard.get(r.card_id) ?? 0) + 1);
		const ids = [...perCard.keys()].sort();
		if (ids.length === 0) throw new SourceError(`${this.key} has no prices on or before ${this.runDate}`);
		const shards = shardRanges(ids, shardCards, (id) => perCard.get(id) ?? 0, shardRows);
		return { input: { key: this.key, sha256 }, cards: ids.length, shards };
	}

	async collect(shard: ShardRange, _state?: CollectState): Promise<ShardCollection> {
		const { rows } = await this.#rows();
		return { rows: rows.filter((r) => inShard(r.card_id, shard)), outcomes: [], dailyRemaining: null, stopped: null };
	}
}

/** An import of any size: shards are runs of whole chunks, each collected by reading only its chunks. */
export class ImportSource implements PriceSource {
	constructor(
		private readonly bucket: R2Bucket,
		private readonly id: string,
		private readonly runDate: string,
	) {}

	async plan(_shardCards: number, shardRows = Number.POSITIVE_INFINITY): Promise<SourcePlan> {
		const key = priceKeys.manifest(this.id);
		const object = await this.bucket.get(key);
		if (!object) throw new SourceError(`no import ${this.id} (${key} is not in R2)`);
		const text = await object.text();
		const manifest = JSON.parse(text) as ImportManifest;
		// Chunks whose prices all come after the run date hold nothing for it.
		const chunks = manifest.chunks.filter((c) => c.first_date <= this.runDate);
		if (chunks.length === 0) throw new SourceError(`import ${this.id} has no prices on or before ${this.runDate}`);
		const shards: ShardRange[] = [];
		let group: ChunkInfo[] = [];
		let rows = 0;
		const cut = () => {
			shards.push({
				index: shards.length,
				first: (group[0] as ChunkInfo).first_card,
				last: (group.at(-1) as ChunkInfo).last_card,
				cards: group.reduce((a, c) => a + c.cards, 0),
				chunks: group.map((c) => c.sha256),
			});
			group = [];
			rows = 0;
		};
		for (const c of chunks) {
			if (group.length > 0 && rows + c.rows > shardRows) cut();
			group.push(c);
			rows += c.rows;
		}
		if (group.length > 0) cut();
		return {
			input: { key, sha256: await sha256Hex(text) },
			cards: chunks.reduce((a, c) => a + c.cards, 0),
			shards,
		};
	}

	async collect(shard: ShardRange, _state?: CollectState): Promise<ShardCollection> {
		const rows: PriceRow[] = [];
		for (const sha256 of shard.chunks ?? []) {
			const object = await this.bucket.get(priceKeys.chunk(sha256));
			if (!object) throw new SourceError(`import ${this.id} lost its chunk ${sha256}`);
			try {
				for (const r of parsePriceCsv(await object.text(), `file:${this.id}`)) if (r.date <= this.runDate) rows.push(r);
			} catch (error) {
				if (error instanceof CsvImportError) throw new SourceError(`chunk ${sha256}: ${error.message}`);
				throw error;
			}
		}
		return { rows, outcomes: [], dailyRemaining: null, stopped: null };
	}
}

/** Sources whose run reads the price history (after its own collection steps filled it). */
export const HISTORY_SOURCES = ["tcgcsv", "live", "history"] as const;

/** Whether a run on `source` reads the price history. */
export const readsHistory = (source: string) => (HISTORY_SOURCES as readonly string[]).includes(source);

/**
 * The price history as of the run date: the last `windowDays` days of every source. Cards are the
 * catalogue's; a card's rows are estimated as one a stored day since it was first seen.
 */
export class HistorySource implements PriceSource {
	constructor(
		private readonly env: { DB: D1Database; ARCHIVE: R2Bucket },
		private readonly runDate: string,
		private readonly windowDays: number,
		private readonly days: readonly DayVersion[] = [],
	) {}

	async plan(shardCards: number, shardRows = Number.POSITIVE_INFINITY): Promise<SourcePlan> {
		const from = addDays(this.runDate, -(this.windowDays - 1));
		const days = await listHistoryDays(this.env.DB, from, this.runDate);
		if (days.length === 0) throw new SourceError(`the price history holds no day from ${from} to ${this.runDate}`);
		const dates = [...new Set(days.map((d) => d.date))].sort();
		const cards = await catalogueCards(this.env.DB, this.runDate);
		const since = (firstSeen: string) => {
			// Stored days on or after the card's first day (binary search over the sorted dates).
			let lo = 0;
			let hi = dates.length;
			while (lo < hi) {
				const mid = (lo + hi) >> 1;
				if ((dates[mid] as string) < firstSeen) lo = mid + 1;
				else hi = mid;
			}
			return dates.length - lo;
		};
		const first = new Map(cards.map((c) => [c.card_id, c.first_seen]));
		const ids = cards.map((c) => c.card_id);
		if (ids.length === 0) throw new SourceError(`the catalogue holds no card first seen on or before ${this.runDate}`);
		const shards = shardRanges(ids, shardCards, (id) => Math.max(1, since(first.get(id) ?? from)), shardRows);
		const history = days.map((d) => ({ date: d.date, source: d.source, version: d.version }));
		return {
			input: { key: `history/${from}..${this.runDate}`, sha256: await sha256Hex(JSON.stringify(history)) },
			cards: ids.length,
			shards,
			history,
		};
	}

	async collect(shard: ShardRange, _state?: CollectState): Promise<ShardCollection> {
		const read = await readHistoryRange(this.env, this.days, shard.first, shard.last);
		const entries = await catalogueRange(this.env.DB, shard.first, shard.last);
		const rows: PriceRow[] = read.prices.map((p) => {
			const entry = entries.get(p.card_id);
			return {
				card_id: p.card_id,
				card_name: entry?.name ?? p.card_id,
				set_name: entry?.set_name ?? "Unknown set",
				date: p.date,
				market_price: p.price,
				source: p.source,
			};
		});
		const sealed = [...entries.values()].filter((e) => e.kind === "sealed").map((e) => e.card_id);
		return { rows, outcomes: [], dailyRemaining: null, stopped: null, sealed };
	}
}

/** Generated prices (benchmarks only): shards are index ranges, each generated on its own. */
export class SyntheticSource implements PriceSource {
	constructor(
		private readonly spec: SyntheticSpec,
		private readonly runDate: string,
	) {}

	async plan(shardCards: number, shardRows = Number.POSITIVE_INFINITY): Promise<SourcePlan> {
		// Computed, not listed: a plan for a million cards never holds a million ids. A card has at
		// most one price a day.
		const size = cardsPerShard(shardCards, shardRows, this.spec.days);
		const shards: ShardRange[] = [];
		for (let first = 1; first <= this.spec.cards; first += size) {
			const last = Math.min(this.spec.cards, first + size - 1);
			shards.push({
				index: shards.length,
				first: syntheticCardId(first),
				last: syntheticCardId(last),
				cards: last - first + 1,
			});
		}
		return { input: null, cards: this.spec.cards, shards };
	}

	async collect(shard: ShardRange, _state?: CollectState): Promise<ShardCollection> {
		const rows = syntheticRows(this.spec, this.runDate, syntheticIndex(shard.first), syntheticIndex(shard.last));
		return { rows, outcomes: [], dailyRemaining: null, stopped: null };
	}
}

/** The source a run's `source` names; a history run reads the day versions its plan chose. */
export function openSource(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	config: Config,
	source: string,
	runDate: string,
	history: readonly DayVersion[] = [],
): PriceSource {
	if (source === "sample") return new CsvSource(env.ARCHIVE, priceKeys.sample, "sample", runDate);
	if (source.startsWith("file:")) return new ImportSource(env.ARCHIVE, source.slice(5), runDate);
	const synthetic = parseSyntheticSource(source);
	if (synthetic) {
		if (!config.PIPELINE_SYNTHETIC)
			throw new SourceError(
				"the synthetic source is for benchmarks only and needs PIPELINE_SYNTHETIC=true (never allowed in production)",
			);
		return new SyntheticSource(synthetic, runDate);
	}
	if (!readsHistory(source)) throw new SourceError(`unknown source "${source}"`);
	return new HistorySource(env, runDate, config.PIPELINE_HISTORY_DAYS, history);
}
