/**
 * D1 queries on what the market holds: the feed's groups and products, and the catalogue of
 * every series collected (one row per card id). Many rows go in as one JSON parameter per
 * statement (`json_each`), so a group of a hundred products is one statement, and an upsert
 * writes only rows that changed.
 */

import { jsonSlices } from "./batch";

/** A series as the catalogue knows it. */
export type CatalogueRow = {
	card_id: string;
	source: string;
	product_id: number | null;
	printing: string | null;
	slug: string | null;
	name: string;
	set_name: string;
	set_code: string | null;
	number: string | null;
	rarity: string | null;
	language: string | null;
	kind: "card" | "sealed";
	url: string | null;
	first_seen: string;
};

const CATALOGUE_FIELDS = [
	"card_id",
	"source",
	"product_id",
	"printing",
	"slug",
	"name",
	"set_name",
	"set_code",
	"number",
	"rarity",
	"language",
	"kind",
	"url",
	"first_seen",
] as const;

const fromJson = (fields: readonly string[]) => fields.map((f) => `json_extract(value, '$.${f}') AS ${f}`).join(", ");

/** The fields a later collection may correct (every one but the id, its source and first day). */
const DESCRIPTIVE = CATALOGUE_FIELDS.filter((f) => f !== "card_id" && f !== "source" && f !== "first_seen");

/**
 * Statement adding catalogue rows, or updating them. With `describe`, the row's description
 * (name, set, number, …) replaces the stored one (the feed's products are the truth); without,
 * a known card keeps its description (an import's placeholder names never overwrite the feed's).
 * `first_seen` only ever moves earlier.
 */
export function upsertCatalogue(
	db: D1Database,
	rows: readonly CatalogueRow[],
	at: string,
	options: { describe: boolean },
): D1PreparedStatement[] {
	const changed = DESCRIPTIVE.map((f) => `catalogue.${f} IS NOT excluded.${f}`).join(" OR ");
	const sets = options.describe
		? `${DESCRIPTIVE.map((f) => `${f} = excluded.${f}`).join(", ")}, first_seen = MIN(catalogue.first_seen, excluded.first_seen), updated_at = excluded.updated_at`
		: "first_seen = MIN(catalogue.first_seen, excluded.first_seen), updated_at = excluded.updated_at";
	const when = options.describe
		? `(${changed}) OR catalogue.first_seen > excluded.first_seen`
		: "catalogue.first_seen > excluded.first_seen";
	const statement = db.prepare(
		`INSERT INTO catalogue (${CATALOGUE_FIELDS.join(", ")}, updated_at)
		 SELECT ${fromJson(CATALOGUE_FIELDS)}, ?2 FROM json_each(?1) WHERE true
		 ON CONFLICT (card_id) DO UPDATE SET ${sets} WHERE ${when}`,
	);
	return jsonSlices(rows).map((json) => statement.bind(json, at));
}

/** What a run needs of its shard's cards: name, set and kind. */
export type CatalogueEntry = Pick<CatalogueRow, "card_id" | "name" | "set_name" | "kind">;

/** Catalogue entries of cards with ids in `[first, last]`. */
export async function catalogueRange(
	db: D1Database,
	first: string,
	last: string,
): Promise<Map<string, CatalogueEntry>> {
	const { results } = await db
		.prepare("SELECT card_id, name, set_name, kind FROM catalogue WHERE card_id >= ? AND card_id <= ? ORDER BY card_id")
		.bind(first, last)
		.all<CatalogueEntry>();
	return new Map(results.map((r) => [r.card_id, r]));
}

/** Every catalogued card first seen on or before `asOf`, in card order, with that first day (for planning shards). */
export async function catalogueCards(db: D1Database, asOf: string): Promise<{ card_id: string; first_seen: string }[]> {
	const { results } = await db
		.prepare("SELECT card_id, first_seen FROM catalogue WHERE first_seen <= ? ORDER BY card_id")
		.bind(asOf)
		.all<{ card_id: string; first_seen: string }>();
	return results;
}

/** Which of these card ids the catalogue already holds. */
export async function catalogued(db: D1Database, cardIds: readonly string[]): Promise<Set<string>> {
	if (cardIds.length === 0) return new Set();
	const { results } = await db
		.prepare("SELECT card_id FROM catalogue WHERE card_id IN (SELECT value FROM json_each(?))")
		.bind(JSON.stringify(cardIds))
		.all<{ card_id: string }>();
	return new Set(results.map((r) => r.card_id));
}
