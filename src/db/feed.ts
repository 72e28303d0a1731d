/**
 * D1 queries on the TCGCSV feed as collected: its groups and products as last listed, what each
 * run's collection did per group, and the requests made per UTC day (the politeness budget).
 */
/** A card has a number; a sealed product (box, ETB, pack, tin) has none. */
export type ProductKind = "card" | "sealed";

/** What PokeWatch keeps of a product. */
export type ProductFacts = {
	product_id: number;
	group_id: number;
	name: string;
	clean_name: string | null;
	number: string | null;
	rarity: string | null;
	kind: ProductKind;
	url: string;
	modified_on: string | null;
};

/** A group as the feed lists it (the fields kept of it). */
export type ListedGroup = {
	groupId: number;
	name: string;
	abbreviation?: string | null;
	publishedOn?: string | null;
	modifiedOn?: string | null;
};

/** A group as stored. */
export type StoredGroup = {
	category_id: number;
	group_id: number;
	name: string;
	abbreviation: string | null;
	published_on: string | null;
	modified_on: string | null;
	products_modified_on: string | null;
	first_seen: string;
	last_seen: string;
};

/** Statement recording a category's groups as listed on `day` (new ones first seen that day). */
export function upsertGroups(db: D1Database, categoryId: number, groups: readonly ListedGroup[], day: string) {
	return db
		.prepare(
			`INSERT INTO feed_groups (category_id, group_id, name, abbreviation, published_on, modified_on, first_seen, last_seen)
			 SELECT ?2, json_extract(value, '$.groupId'), json_extract(value, '$.name'), json_extract(value, '$.abbreviation'),
			   json_extract(value, '$.publishedOn'), json_extract(value, '$.modifiedOn'), ?3, ?3
			 FROM json_each(?1) WHERE true
			 ON CONFLICT (category_id, group_id) DO UPDATE SET name = excluded.name, abbreviation = excluded.abbreviation,
			   published_on = excluded.published_on, modified_on = excluded.modified_on,
			   first_seen = MIN(feed_groups.first_seen, excluded.first_seen), last_seen = MAX(feed_groups.last_seen, excluded.last_seen)`,
		)
		.bind(JSON.stringify(groups), categoryId, day);
}

/** The stored groups of a category, by group id. */
export async function storedGroups(db: D1Database, categoryId: number): Promise<Map<number, StoredGroup>> {
	const { results } = await db
		.prepare("SELECT * FROM feed_groups WHERE category_id = ?")
		.bind(categoryId)
		.all<StoredGroup>();
	return new Map(results.map((g) => [g.group_id, g]));
}

/** The products stored for a group, by product id. */
export async function storedProducts(
	db: D1Database,
	categoryId: number,
	groupId: number,
): Promise<Map<number, ProductFacts>> {
	const { results } = await db
		.prepare(
			`SELECT product_id, group_id, name, clean_name, number, rarity, kind, url, modified_on
			 FROM feed_products WHERE category_id = ? AND group_id = ?`,
		)
		.bind(categoryId, groupId)
		.all<ProductFacts>();
	return new Map(results.map((p) => [p.product_id, p]));
}

/**
 * Statements storing a group's products as fetched on `day` (a row is rewritten only when it
 * changed) and the group's modifiedOn they were fetched under.
 */
export function upsertProducts(
	db: D1Database,
	categoryId: number,
	groupId: number,
	products: readonly ProductFacts[],
	day: string,
	groupModifiedOn: string | null,
): D1PreparedStatement[] {
	const fields = ["name", "clean_name", "number", "rarity", "kind", "url", "modified_on"];
	return [
		db
			.prepare(
				`INSERT INTO feed_products (product_id, category_id, group_id, ${fields.join(", ")}, first_seen, updated_on)
				 SELECT json_extract(value, '$.product_id'), ?2, json_extract(value, '$.group_id'),
				   ${fields.map((f) => `json_extract(value, '$.${f}')`).join(", ")}, ?3, ?3
				 FROM json_each(?1) WHERE true
				 ON CONFLICT (product_id) DO UPDATE SET group_id = excluded.group_id,
				   ${fields.map((f) => `${f} = excluded.${f}`).join(", ")}, updated_on = excluded.updated_on
				 WHERE ${[...fields, "group_id"].map((f) => `feed_products.${f} IS NOT excluded.${f}`).join(" OR ")}`,
			)
			.bind(JSON.stringify(products), categoryId, day),
		db
			.prepare("UPDATE feed_groups SET products_modified_on = ? WHERE category_id = ? AND group_id = ?")
			.bind(groupModifiedOn, categoryId, groupId),
	];
}

/** What collecting one group did in one run. */
export type FeedOutcome = {
	category_id: number;
	group_id: number;
	name: string;
	status: "ok" | "failed";
	prices: "fetched" | "stored" | "none";
	products: "fetched" | "stored" | "kept" | "none";
	rows: number;
	nulls: number;
	zeros: number;
	attempts: number;
	http_status: number | null;
	error: string | null;
};

const OUTCOME_FIELDS = [
	"category_id",
	"group_id",
	"name",
	"status",
	"prices",
	"products",
	"rows",
	"nulls",
	"zeros",
	"attempts",
	"http_status",
	"error",
] as const;

/** Statement recording (or re-recording, on a retried step) groups' outcomes. */
export function putFeedOutcomes(db: D1Database, runId: string, outcomes: readonly FeedOutcome[]) {
	return db
		.prepare(
			`INSERT OR REPLACE INTO feed_outcomes (run_id, ${OUTCOME_FIELDS.join(", ")})
			 SELECT ?2, ${OUTCOME_FIELDS.map((f) => `json_extract(value, '$.${f}')`).join(", ")} FROM json_each(?1)`,
		)
		.bind(JSON.stringify(outcomes), runId);
}

/** A run's group outcomes: counts, and the groups that failed (at most `limit`). */
export async function getFeedOutcomes(
	db: D1Database,
	runId: string,
	limit = 100,
): Promise<{ ok: number; failed: number; fetched: number; stored: number; problems: FeedOutcome[] }> {
	const [counts, problems] = await db.batch<Record<string, number> | FeedOutcome>([
		db
			.prepare(
				`SELECT SUM(status = 'ok') AS ok, SUM(status = 'failed') AS failed,
				   SUM(prices = 'fetched') AS fetched, SUM(prices = 'stored') AS stored
				 FROM feed_outcomes WHERE run_id = ?`,
			)
			.bind(runId),
		db
			.prepare(
				`SELECT ${OUTCOME_FIELDS.join(", ")} FROM feed_outcomes WHERE run_id = ? AND status = 'failed'
				 ORDER BY category_id, group_id LIMIT ?`,
			)
			.bind(runId, limit),
	]);
	const c = (counts?.results?.[0] ?? {}) as Record<string, number | null>;
	return {
		ok: c.ok ?? 0,
		failed: c.failed ?? 0,
		fetched: c.fetched ?? 0,
		stored: c.stored ?? 0,
		problems: (problems?.results ?? []) as FeedOutcome[],
	};
}

/** Requests made to the feed on a UTC day, by every run. */
export async function feedRequestsOn(db: D1Database, day: string): Promise<number> {
	const row = await db
		.prepare("SELECT requests FROM feed_requests WHERE day = ?")
		.bind(day)
		.first<{ requests: number }>();
	return row?.requests ?? 0;
}

/** Statement adding `n` requests to a UTC day's count. */
export const addFeedRequests = (db: D1Database, day: string, n: number) =>
	db
		.prepare(
			"INSERT INTO feed_requests (day, requests) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET requests = requests + excluded.requests",
		)
		.bind(day, n);
