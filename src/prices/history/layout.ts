/**
 * The price history's layout: one snapshot per day and source, in R2 under
 * `history/date=<date>/source=<source>/v=<version>/part-NNNN.parquet`, each part holding at
 * most HISTORY_PART_ROWS cards in card order (`card_id` STRING, `market_price` DOUBLE). The
 * version names the content, so the same prices always give the same keys and a day collected
 * again with the same prices writes nothing.
 */

/** Cards per part. Fixed: the same day's prices must cut into the same parts on every path. */
export const HISTORY_PART_ROWS = 1024;

/** Source names: lower-case slugs (`tcgcsv`, `live`, or an import's source). */
export const HISTORY_SOURCE_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The R2 key of one part of a day's snapshot. */
export const historyPartKey = (date: string, source: string, version: string, part: number) =>
	`history/date=${date}/source=${source}/v=${version}/part-${String(part).padStart(4, "0")}.parquet`;

/**
 * Which source wins when two hold the same card on the same day: the feed, then the Price
 * Tracker, then imports in name order. (Their card ids differ, so it is a tie-break, not a merge.)
 */
export function sourceRank(source: string): number {
	return source === "tcgcsv" ? 0 : source === "live" ? 1 : 2;
}

/** Orders sources by precedence (see `sourceRank`), then by name. */
export const bySourcePrecedence = (a: string, b: string) =>
	sourceRank(a) - sourceRank(b) || (a < b ? -1 : a > b ? 1 : 0);

/** A source name as stored: an import's free-text source becomes a slug (`TCGplayer 3d` → `tcgplayer-3d`). */
export function historySource(label: string): string {
	const slug = label
		.toLowerCase()
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, 64)
		.replace(/-+$/, "");
	return slug === "" ? "import" : slug;
}
