/**
 * Steps "collect live #n" (the `live` source): the Price Tracker API over the card universe
 * (config/cards.json), a batch of cards per step, into the price history (source `live`). A card
 * the history has never seen is asked with its history (two credits); after that, today's price
 * alone (one credit). Every card's outcome is recorded, as before.
 */
import type { Config } from "../../config";
import { runBatched } from "../../db/batch";
import { type CatalogueRow, catalogued, upsertCatalogue } from "../../db/catalogue";
import { putOutcomes } from "../../db/run-records";
import { mergeDay } from "../../prices/history/day-store";
import { collectCards, type TrackerOptions } from "../../prices/price-tracker/client";
import { cardUniverse, type UniverseCard } from "../../prices/price-tracker/universe";
import { type CollectState, cardsPerShard, SourceError } from "../../prices/sources";
import { tcgplayerUrl } from "../../prices/tcgcsv/cards";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** What one batch collected into the history. */
export type LiveBatchOutput = {
	batch: number;
	cards: number;
	ok: number;
	failed: number;
	skipped: number;
	/** Cards asked with their history (first seen tonight). */
	first_seen: number;
	rows: number;
	days_written: number;
	state: CollectState;
};

/** The Price Tracker client's options, or why a live run cannot start. */
export function trackerOptions(config: Config, runDate: string): TrackerOptions {
	if (!config.PRICE_TRACKER_API_KEY)
		throw new SourceError(
			"the live source needs the PRICE_TRACKER_API_KEY secret (wrangler secret put PRICE_TRACKER_API_KEY)",
		);
	return {
		baseUrl: config.PRICE_TRACKER_BASE_URL,
		apiKey: config.PRICE_TRACKER_API_KEY,
		days: config.PRICE_TRACKER_HISTORY_DAYS,
		timeoutMs: config.PRICE_TRACKER_TIMEOUT_MS,
		maxRetries: config.PRICE_TRACKER_MAX_RETRIES,
		backoffMs: config.PRICE_TRACKER_BACKOFF_MS,
		maxWaitSeconds: config.PRICE_TRACKER_MAX_WAIT_SECONDS,
		dailyReserve: config.PRICE_TRACKER_DAILY_RESERVE,
		runDate,
	};
}

/** The universe in batches of at most PIPELINE_SHARD_CARDS cards (each a step). */
export function liveBatches(config: Config, universe: readonly UniverseCard[] = cardUniverse()): UniverseCard[][] {
	const size = cardsPerShard(
		config.PIPELINE_SHARD_CARDS,
		config.PIPELINE_SHARD_ROWS,
		config.PRICE_TRACKER_HISTORY_DAYS,
	);
	const out: UniverseCard[][] = [];
	for (let i = 0; i < universe.length; i += size) out.push(universe.slice(i, i + size));
	return out;
}

/** Collects one batch of cards into the history. */
export async function collectLiveBatch(
	env: Env,
	config: Config,
	runId: string,
	runDate: string,
	batch: number,
	cards: readonly UniverseCard[],
	state: CollectState,
): Promise<LiveBatchOutput> {
	const options = trackerOptions(config, runDate);
	const seen = await catalogued(
		env.DB,
		cards.map((c) => c.card_id),
	);
	const result = await collectCards(cards, options, state, seen);
	const byDate = new Map<string, { cards: string[]; prices: number[] }>();
	const firstDay = new Map<string, string>();
	for (const r of result.rows) {
		const day = byDate.get(r.date) ?? { cards: [], prices: [] };
		day.cards.push(r.card_id);
		day.prices.push(r.market_price);
		byDate.set(r.date, day);
		if (!firstDay.has(r.card_id) || (firstDay.get(r.card_id) as string) > r.date) firstDay.set(r.card_id, r.date);
	}
	for (const [date, day] of [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
		await mergeDay(env, { date, source: "live", by: runId }, day);
	const rows: CatalogueRow[] = cards
		.filter((c) => firstDay.has(c.card_id))
		.map((c) => ({
			card_id: c.card_id,
			source: "live",
			product_id: Number(c.tcgplayer_id),
			printing: null,
			slug: c.card_id,
			name: c.name,
			set_name: c.set_name,
			set_code: null,
			number: c.number,
			rarity: null,
			language: null,
			kind: "card",
			url: tcgplayerUrl(Number(c.tcgplayer_id)),
			first_seen: firstDay.get(c.card_id) as string,
		}));
	const catalogue = upsertCatalogue(env.DB, rows, new Date().toISOString(), { describe: true });
	await runBatched(env.DB, [...catalogue, ...putOutcomes(env.DB, runId, result.outcomes)]);
	const count = (status: string) => result.outcomes.filter((o) => o.status === status).length;
	return {
		batch,
		cards: cards.length,
		ok: count("ok"),
		failed: count("failed"),
		skipped: count("skipped"),
		first_seen: cards.filter((c) => !seen.has(c.card_id)).length,
		rows: result.rows.length,
		days_written: byDate.size,
		state: { dailyRemaining: result.dailyRemaining, stopped: result.stopped },
	};
}
