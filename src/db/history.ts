/** D1 queries on the price history's index: `history_days` (the current version of each day and source) and `history_parts`. */
import { insertRows } from "./batch";

/** One day and source of the history, at its current version. */
export type HistoryDay = {
	date: string;
	source: string;
	version: string;
	rows: number;
	cards: number;
	parts: number;
	written_at: string;
	written_by: string;
};

/** One part of a day's snapshot. */
export type HistoryPart = {
	date: string;
	source: string;
	version: string;
	part: number;
	first_card: string;
	last_card: string;
	rows: number;
	r2_key: string;
	sha256: string;
};

/** A day and source at a given version: what a run reads. */
export type DayVersion = { date: string; source: string; version: string };

const PART_COLUMNS = "date, source, version, part, first_card, last_card, rows, r2_key, sha256";

/** The current version of one day and source, or null. */
export async function getHistoryDay(db: D1Database, date: string, source: string): Promise<HistoryDay | null> {
	return db.prepare("SELECT * FROM history_days WHERE date = ? AND source = ?").bind(date, source).first<HistoryDay>();
}

/** Every stored day and source with `from <= date <= to`, oldest first. */
export async function listHistoryDays(db: D1Database, from: string, to: string): Promise<HistoryDay[]> {
	const { results } = await db
		.prepare("SELECT * FROM history_days WHERE date >= ? AND date <= ? ORDER BY date, source")
		.bind(from, to)
		.all<HistoryDay>();
	return results;
}

/** The parts of one version of a day, in card order. */
export async function partsOf(db: D1Database, day: DayVersion): Promise<HistoryPart[]> {
	const { results } = await db
		.prepare(`SELECT ${PART_COLUMNS} FROM history_parts WHERE date = ? AND source = ? AND version = ? ORDER BY part`)
		.bind(day.date, day.source, day.version)
		.all<HistoryPart>();
	return results;
}

/**
 * The parts of the given day versions that may hold cards in `[first, last]` (each part covers
 * `[first_card, last_card]`). One query: the versions go in as one JSON parameter.
 */
export async function partsOverlapping(
	db: D1Database,
	days: readonly DayVersion[],
	first: string,
	last: string,
): Promise<HistoryPart[]> {
	if (days.length === 0) return [];
	const { results } = await db
		.prepare(
			`SELECT ${PART_COLUMNS.split(", ")
				.map((c) => `p.${c}`)
				.join(", ")}
			 FROM json_each(?1) d
			 JOIN history_parts p
			   ON p.date = json_extract(d.value, '$[0]') AND p.last_card >= ?2
			  AND p.source = json_extract(d.value, '$[1]') AND p.version = json_extract(d.value, '$[2]')
			 WHERE p.first_card <= ?3
			 ORDER BY p.date, p.source, p.part`,
		)
		.bind(JSON.stringify(days.map((d) => [d.date, d.source, d.version])), first, last)
		.all<HistoryPart>();
	return results;
}

/**
 * Statements making `day` the current version of its date and source, with its parts. Parts
 * of earlier versions stay indexed (a run that planned on them still reads them); their
 * objects stay in R2.
 */
export function putHistoryDay(db: D1Database, day: HistoryDay, parts: readonly HistoryPart[]): D1PreparedStatement[] {
	return [
		...insertRows(
			db,
			`INSERT INTO history_parts (${PART_COLUMNS})`,
			"ON CONFLICT (date, source, version, part) DO NOTHING",
			parts.map((p) => [p.date, p.source, p.version, p.part, p.first_card, p.last_card, p.rows, p.r2_key, p.sha256]),
		),
		db
			.prepare(
				`INSERT INTO history_days (date, source, version, rows, cards, parts, written_at, written_by)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				 ON CONFLICT (date, source) DO UPDATE SET version = excluded.version, rows = excluded.rows,
				   cards = excluded.cards, parts = excluded.parts, written_at = excluded.written_at,
				   written_by = excluded.written_by`,
			)
			.bind(day.date, day.source, day.version, day.rows, day.cards, day.parts, day.written_at, day.written_by),
	];
}
