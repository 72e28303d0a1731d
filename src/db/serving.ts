/**
 * D1 queries on what serving shows: `serving_cards` (one row per card, the newest answer any
 * run published for it) and `serving_state` (the newest run that published).
 */
import type { Signal } from "../model/signal";
import { insertRows } from "./batch";
import type { CatalogueRow } from "./catalogue";

/** A card's answer as a run stages it (what the run computed). */
export type StagedCard = {
	card_id: string;
	name: string;
	set_name: string;
	latest_date: string;
	market_price: number;
	fair_price: number;
	deviation_pct: number | null;
	/** The change from the last price on or before 7 days earlier (null without one). */
	change_7d: number | null;
	signal: Signal;
	p_up: number | null;
	p_down: number | null;
	strength: number;
	reason: string | null;
	observations: number;
	days_since_change: number;
	model_version: string;
	run_id: string;
	run_date: string;
	object_key: string;
	byte_offset: number;
	byte_length: number;
	updated_at: string;
};

/** What the card is, copied from the catalogue when a run publishes it (null where the catalogue does not know). */
export type CardFacts = Pick<
	CatalogueRow,
	"product_id" | "printing" | "slug" | "set_code" | "number" | "rarity" | "language" | "kind" | "url"
>;

/** A card as served: its answer and what it is. */
export type ServingCard = StagedCard & CardFacts;

const STAGED = `card_id, name, set_name, latest_date, market_price, fair_price, deviation_pct, change_7d, signal, p_up,
	p_down, strength, reason, observations, days_since_change, model_version, run_id, run_date, object_key, byte_offset,
	byte_length, updated_at`;

const FACTS = "product_id, printing, slug, set_code, number, rarity, language, kind, url";

/** Every column a served card is read with. */
export const COLUMNS = `${STAGED}, ${FACTS}`;

const FIELDS: (keyof StagedCard)[] = STAGED.split(",").map((c) => c.trim() as keyof StagedCard);
const FACT_FIELDS = FACTS.split(", ");

/** The words `q` searches: name, number, set code and slug (or card id). */
const SEARCH_TEXT =
	"TRIM(s.name || ' ' || COALESCE(c.number, '') || ' ' || COALESCE(c.set_code, '') || ' ' || COALESCE(c.slug, s.card_id))";

/** SQL true while the run bound as ?1 is still running (a run's finalize acts only then). */
export const STILL_RUNNING = "EXISTS (SELECT 1 FROM pipeline_runs WHERE id = ?1 AND status = 'running')";

/** Statements staging a run's served cards (moved into serving by `publishStaged` at the run's end). */
export function stageServingCards(db: D1Database, cards: readonly StagedCard[]): D1PreparedStatement[] {
	return insertRows(
		db,
		`INSERT INTO serving_staged (${STAGED})`,
		`ON CONFLICT (run_id, card_id) DO UPDATE SET ${FIELDS.filter((f) => f !== "card_id" && f !== "run_id")
			.map((f) => `${f} = excluded.${f}`)
			.join(", ")}`,
		cards.map((c) => FIELDS.map((f) => c[f])),
	);
}

/** SQL true when the staged row `s` replaces the served row `c` (a later day, or the same day from a run dated the same or later). */
const REPLACES = "(s.latest_date > c.latest_date OR (s.latest_date = c.latest_date AND s.run_date >= c.run_date))";

/**
 * Statements moving a run's staged cards into serving and dropping them from the stage. A row
 * replaces the served one only when it is about a later day, or the same day from a run dated
 * the same or later: a run for an older date never replaces fresher data, and a partial run
 * leaves the cards it did not see alone. First, in the same batch, the cards whose served signal
 * this changes (or that are new to serving) are recorded in `signal_changes` for the webhooks.
 */
export function publishStaged(
	db: D1Database,
	runId: string,
	options: { whileRunning?: boolean } = {},
): D1PreparedStatement[] {
	const guard = options.whileRunning ? `AND ${STILL_RUNNING}` : "";
	const updates = [...FIELDS.filter((f) => f !== "card_id"), ...FACT_FIELDS, "search_text"]
		.map((f) => `${f} = excluded.${f}`)
		.join(", ");
	const staged = STAGED.split(",")
		.map((c) => `s.${c.trim()}`)
		.join(", ");
	const facts = FACT_FIELDS.map((f) => (f === "kind" ? "COALESCE(c.kind, 'card')" : `c.${f}`)).join(", ");
	return [
		db
			.prepare(
				`INSERT OR IGNORE INTO signal_changes (run_id, card_id, name, set_name, previous_signal, signal, latest_date,
				   market_price, fair_price, deviation_pct, p_up, p_down, model_version)
				 SELECT s.run_id, s.card_id, s.name, s.set_name, c.signal, s.signal, s.latest_date, s.market_price,
				   s.fair_price, s.deviation_pct, s.p_up, s.p_down, s.model_version
				 FROM serving_staged s LEFT JOIN serving_cards c ON c.card_id = s.card_id
				 WHERE s.run_id = ?1 ${guard}
				   AND (c.card_id IS NULL OR (s.signal <> c.signal AND ${REPLACES}))`,
			)
			.bind(runId),
		db
			.prepare(
				`INSERT INTO serving_cards (${COLUMNS}, search_text)
				 SELECT ${staged}, ${facts}, ${SEARCH_TEXT}
				 FROM serving_staged s LEFT JOIN catalogue c ON c.card_id = s.card_id WHERE s.run_id = ?1 ${guard}
				 ON CONFLICT (card_id) DO UPDATE SET ${updates}
				 WHERE excluded.latest_date > serving_cards.latest_date
				    OR (excluded.latest_date = serving_cards.latest_date AND excluded.run_date >= serving_cards.run_date)`,
			)
			.bind(runId),
		db.prepare("DELETE FROM serving_staged WHERE run_id = ?").bind(runId),
		...syncSearch(db),
	];
}

/**
 * Statements bringing the search index in step with the served cards: a card whose words changed
 * is indexed again, a new card is indexed. Part of every publish transaction.
 */
export function syncSearch(db: D1Database): D1PreparedStatement[] {
	return [
		db.prepare(
			`DELETE FROM serving_search WHERE rowid IN (
			   SELECT f.rowid FROM serving_search f LEFT JOIN serving_cards c ON c.rowid = f.rowid
			   WHERE c.rowid IS NULL OR f.text <> c.search_text)`,
		),
		db.prepare(
			`INSERT INTO serving_search (rowid, text)
			 SELECT rowid, search_text FROM serving_cards WHERE rowid NOT IN (SELECT rowid FROM serving_search)`,
		),
	];
}

/** Statements dropping what a run staged (it failed: nothing of it is published). */
export function dropStaged(db: D1Database, runId: string): D1PreparedStatement[] {
	return [
		db.prepare("DELETE FROM serving_staged WHERE run_id = ?").bind(runId),
		db.prepare("DELETE FROM track_staged WHERE run_id = ?").bind(runId),
	];
}

/** One served card, or null. */
export async function getServingCard(db: D1Database, cardId: string): Promise<ServingCard | null> {
	return db.prepare(`SELECT ${COLUMNS} FROM serving_cards WHERE card_id = ?`).bind(cardId).first<ServingCard>();
}

/** How the catalogue can be sorted: by card id, or by price, change or probability either way. */
export type CatalogueSort = "card_id" | "price" | "-price" | "change" | "-change" | "probability" | "-probability";

/** What the catalogue can be filtered by. */
export type CatalogueFilter = {
	/** An FTS5 query over name, number, set code and slug (see `searchQuery`). */
	match?: string;
	set?: string;
	printing?: string;
	language?: string;
	kind?: "card" | "sealed";
	signal?: Signal;
	min_price?: number;
	max_price?: number;
};

const SORT_COLUMN: Record<Exclude<CatalogueSort, "card_id">, string> = {
	price: "market_price",
	"-price": "market_price",
	change: "change_7d",
	"-change": "change_7d",
	probability: "strength",
	"-probability": "strength",
};

/**
 * The words of a search as an FTS5 query: each run of letters and digits (diacritics folded) as a
 * prefix, all required (`char 223` → `"char"* "223"*`); null when there is no such word.
 */
export function searchQuery(q: string): string | null {
	const words = q
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.normalize("NFC")
		.toLowerCase()
		.match(/[\p{L}\p{N}]+/gu);
	return words
		? words
				.slice(0, 8)
				.map((w) => `"${w}"*`)
				.join(" ")
		: null;
}

/**
 * One page of the served catalogue, filtered and sorted, after the cursor's position. Each
 * filter and sort has an index (migration 0005); `q` goes through the full-text index. Sorting by
 * change leaves out cards with no price a week back.
 */
export async function listCatalogue(
	db: D1Database,
	filter: CatalogueFilter,
	sort: CatalogueSort,
	after: { value: number | null; card_id: string } | null,
	limit: number,
): Promise<ServingCard[]> {
	const where: string[] = [];
	const binds: unknown[] = [];
	const bind = (v: unknown) => {
		binds.push(v);
		return `?${binds.length}`;
	};
	if (filter.match !== undefined)
		where.push(`rowid IN (SELECT rowid FROM serving_search WHERE serving_search MATCH ${bind(filter.match)})`);
	if (filter.set !== undefined) where.push(`set_name = ${bind(filter.set)}`);
	if (filter.printing !== undefined) where.push(`printing = ${bind(filter.printing)}`);
	if (filter.language !== undefined) where.push(`language = ${bind(filter.language)}`);
	if (filter.kind !== undefined) where.push(`kind = ${bind(filter.kind)}`);
	if (filter.signal !== undefined) where.push(`signal = ${bind(filter.signal)}`);
	if (filter.min_price !== undefined) where.push(`market_price >= ${bind(filter.min_price)}`);
	if (filter.max_price !== undefined) where.push(`market_price <= ${bind(filter.max_price)}`);
	let order = "card_id";
	if (sort === "card_id") {
		if (after) where.push(`card_id > ${bind(after.card_id)}`);
	} else {
		const column = SORT_COLUMN[sort];
		const desc = sort.startsWith("-");
		if (column === "change_7d") where.push("change_7d IS NOT NULL");
		if (after) {
			const v = bind(after.value);
			const id = bind(after.card_id);
			where.push(`(${column} ${desc ? "<" : ">"} ${v} OR (${column} = ${v} AND card_id > ${id}))`);
		}
		order = `${column} ${desc ? "DESC" : "ASC"}, card_id`;
	}
	const { results } = await db
		.prepare(
			`SELECT ${COLUMNS} FROM serving_cards ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
			 ORDER BY ${order} LIMIT ${bind(limit)}`,
		)
		.bind(...binds)
		.all<ServingCard>();
	return results;
}

/** The sort value of a served card under `sort` (what its cursor carries). */
export const sortValue = (card: ServingCard, sort: CatalogueSort): number | null =>
	sort === "card_id" ? null : (card[SORT_COLUMN[sort] as "market_price" | "change_7d" | "strength"] ?? null);

/** Every served card id, in order (the legacy `GET /cards`). */
export async function listServingCardIds(db: D1Database): Promise<string[]> {
	const { results } = await db.prepare("SELECT card_id FROM serving_cards ORDER BY card_id").all<{ card_id: string }>();
	return results.map((r) => r.card_id);
}

/** The number of served cards. */
export async function countServingCards(db: D1Database): Promise<number> {
	return (await db.prepare("SELECT COUNT(*) AS n FROM serving_cards").first<{ n: number }>())?.n ?? 0;
}

/** Cards whose latest signal is one of `signals`, the most probable first. */
export async function topServingSignals(
	db: D1Database,
	signals: readonly Signal[],
	limit: number,
): Promise<ServingCard[]> {
	const marks = signals.map((_, i) => `?${i + 2}`).join(", ");
	const { results } = await db
		.prepare(
			`SELECT ${COLUMNS} FROM serving_cards WHERE signal IN (${marks})
			 ORDER BY strength DESC, card_id LIMIT ?1`,
		)
		.bind(limit, ...signals)
		.all<ServingCard>();
	return results;
}

/** What serving shows as a whole. */
export type ServingState = {
	run_id: string;
	run_date: string;
	data_as_of: string;
	model_version: string;
	published_at: string;
	/** The last run that published anything: what caches of served answers are keyed by. */
	epoch: string;
};

/** The newest run that published, or null before any did. */
export async function getServingState(db: D1Database): Promise<ServingState | null> {
	return db
		.prepare("SELECT run_id, run_date, data_as_of, model_version, published_at, epoch FROM serving_state WHERE id = 1")
		.first<ServingState>();
}

/**
 * Statement recording a run's publish: the epoch always moves to it; the rest moves to it unless
 * a run with newer data already serves (then it only added or refreshed cards it had newer).
 */
export function setServingState(
	db: D1Database,
	s: Omit<ServingState, "epoch">,
	options: { whileRunning?: boolean } = {},
): D1PreparedStatement {
	// A run's own finalize moves serving only while the run is still running (a run failed by the
	// liveness check meanwhile must not become what serves).
	const guard = options.whileRunning ? `WHERE ${STILL_RUNNING}` : "WHERE 1";
	return db
		.prepare(
			`INSERT INTO serving_state (id, run_id, run_date, data_as_of, model_version, published_at, epoch)
			 SELECT 1, ?1, ?2, ?3, ?4, ?5, ?1 ${guard}
			 ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch,
			   run_id = CASE WHEN newer THEN excluded.run_id ELSE serving_state.run_id END,
			   run_date = CASE WHEN newer THEN excluded.run_date ELSE serving_state.run_date END,
			   data_as_of = CASE WHEN newer THEN excluded.data_as_of ELSE serving_state.data_as_of END,
			   model_version = CASE WHEN newer THEN excluded.model_version ELSE serving_state.model_version END,
			   published_at = excluded.published_at`.replaceAll(
				"newer",
				"(excluded.data_as_of > serving_state.data_as_of OR (excluded.data_as_of = serving_state.data_as_of AND excluded.run_date >= serving_state.run_date))",
			),
		)
		.bind(s.run_id, s.run_date, s.data_as_of, s.model_version, s.published_at);
}
