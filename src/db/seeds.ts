/** D1 queries on `history_seeds`: imports merged into the price history. */

/** One seed: an import being (or having been) merged into the history. */
export type Seed = {
	id: string;
	import_id: string;
	status: "queued" | "running" | "complete" | "failed";
	rows: number;
	cards: number;
	date_from: string;
	date_to: string;
	days_written: number;
	created_at: string;
	ended_at: string | null;
	error: string | null;
};

/** Statement recording a new seed (queued). */
export const insertSeed = (db: D1Database, s: Omit<Seed, "status" | "days_written" | "ended_at" | "error">) =>
	db
		.prepare(
			`INSERT INTO history_seeds (id, import_id, status, rows, cards, date_from, date_to, created_at)
			 VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)`,
		)
		.bind(s.id, s.import_id, s.rows, s.cards, s.date_from, s.date_to, s.created_at);

/** One seed, or null. */
export const getSeed = (db: D1Database, id: string) =>
	db.prepare("SELECT * FROM history_seeds WHERE id = ?").bind(id).first<Seed>();

/** The newest seed of an import that is not failed, or null. */
export const seedOfImport = (db: D1Database, importId: string) =>
	db
		.prepare("SELECT * FROM history_seeds WHERE import_id = ? AND status != 'failed' ORDER BY created_at DESC LIMIT 1")
		.bind(importId)
		.first<Seed>();

/** Statement moving a seed on: running, complete (with the days it wrote) or failed (with why). */
export function markSeed(
	db: D1Database,
	id: string,
	change: { status: Seed["status"]; days_written?: number; error?: string | null },
) {
	const ended = change.status === "complete" || change.status === "failed" ? new Date().toISOString() : null;
	return db
		.prepare(
			`UPDATE history_seeds SET status = ?2, days_written = COALESCE(?3, days_written), error = ?4,
			   ended_at = COALESCE(?5, ended_at) WHERE id = ?1`,
		)
		.bind(id, change.status, change.days_written ?? null, change.error ?? null, ended);
}
