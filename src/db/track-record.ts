/**
 * D1 queries on the track record: every answer a run published for its date, as published
 * (never recomputed by a later model), with its first-passage outcome filled in once the
 * prices show it, and the per-side summary of a selection of records.
 */

import type { Outcome } from "../model/first-passage";
import type { Signal } from "../model/signal";
import { insertRows } from "./batch";
import { STILL_RUNNING } from "./serving";

/** One published answer. */
export type TrackRecord = {
	run_date: string;
	card_id: string;
	date: string;
	market_price: number;
	fair_price: number;
	signal: Signal;
	p_up: number | null;
	p_down: number | null;
	model_version: string;
	run_id: string;
	horizon_days: number;
	move: number;
	outcome: Outcome | null;
	outcome_date: string | null;
};

const COLUMNS = `run_date, card_id, date, market_price, fair_price, signal, p_up, p_down, model_version, run_id,
	horizon_days, move, outcome, outcome_date`;

const STAGED =
	"run_id, run_date, card_id, date, market_price, fair_price, signal, p_up, p_down, model_version, horizon_days, move";
const STAGED_FIELDS = STAGED.split(",").map((c) => c.trim() as keyof TrackRecord);

/** Statements staging a run's answers (recorded by `recordStaged` at the run's end). */
export function stageTrackRecords(db: D1Database, records: readonly TrackRecord[]): D1PreparedStatement[] {
	return insertRows(
		db,
		`INSERT INTO track_staged (${STAGED})`,
		`ON CONFLICT (run_id, card_id) DO UPDATE SET ${STAGED_FIELDS.filter((f) => f !== "run_id" && f !== "card_id")
			.map((f) => `${f} = excluded.${f}`)
			.join(", ")}`,
		records.map((r) => STAGED_FIELDS.map((f) => r[f])),
	);
}

/**
 * Statements recording a run's staged answers and dropping them from the stage; an answer
 * already recorded for the same run date and card is kept as it was (never recomputed).
 */
export function recordStaged(
	db: D1Database,
	runId: string,
	options: { whileRunning?: boolean } = {},
): D1PreparedStatement[] {
	const guard = options.whileRunning ? `AND ${STILL_RUNNING}` : "";
	return [
		db
			.prepare(
				`INSERT INTO track_record (${STAGED}) SELECT ${STAGED} FROM track_staged WHERE run_id = ?1 ${guard}
				 ON CONFLICT (run_date, card_id) DO NOTHING`,
			)
			.bind(runId),
		db.prepare("DELETE FROM track_staged WHERE run_id = ?").bind(runId),
	];
}

/** Records of cards in [first, last] still waiting for their outcome, about days before `before`. */
export async function openRecords(
	db: D1Database,
	range: { first: string; last: string },
	before: string,
): Promise<Pick<TrackRecord, "run_date" | "card_id" | "date" | "market_price" | "horizon_days" | "move">[]> {
	const { results } = await db
		.prepare(
			`SELECT run_date, card_id, date, market_price, horizon_days, move FROM track_record
			 WHERE outcome IS NULL AND card_id BETWEEN ?1 AND ?2 AND date < ?3`,
		)
		.bind(range.first, range.last, before)
		.all<Pick<TrackRecord, "run_date" | "card_id" | "date" | "market_price" | "horizon_days" | "move">>();
	return results;
}

/** Statements filling in outcomes (only where none is recorded yet). */
export function resolveRecords(
	db: D1Database,
	resolved: readonly { run_date: string; card_id: string; outcome: Outcome; outcome_date: string }[],
): D1PreparedStatement[] {
	return resolved.map((r) =>
		db
			.prepare(
				"UPDATE track_record SET outcome = ?3, outcome_date = ?4 WHERE run_date = ?1 AND card_id = ?2 AND outcome IS NULL",
			)
			.bind(r.run_date, r.card_id, r.outcome, r.outcome_date),
	);
}

/** Which records a query selects. */
export type RecordFilter = { from?: string; to?: string; card_id?: string; signal?: Signal };

function where(f: RecordFilter): { sql: string; binds: unknown[] } {
	const parts: string[] = [];
	const binds: unknown[] = [];
	if (f.from) {
		parts.push(`run_date >= ?${binds.push(f.from)}`);
	}
	if (f.to) {
		parts.push(`run_date <= ?${binds.push(f.to)}`);
	}
	if (f.card_id) {
		parts.push(`card_id = ?${binds.push(f.card_id)}`);
	}
	return { sql: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", binds };
}

/** A page of records, newest run date first, then card, strictly after the cursor. */
export async function listTrackRecords(
	db: D1Database,
	f: RecordFilter,
	options: { limit: number; after?: { run_date: string; card_id: string } },
): Promise<TrackRecord[]> {
	const w = where(f);
	const conds = [w.sql ? w.sql.slice(6) : "1 = 1"];
	const binds = [...w.binds];
	if (f.signal) conds.push(`signal = ?${binds.push(f.signal)}`);
	if (options.after) {
		const a = binds.push(options.after.run_date);
		const b = binds.push(options.after.card_id);
		conds.push(`(run_date < ?${a} OR (run_date = ?${a} AND card_id > ?${b}))`);
	}
	const limit = binds.push(options.limit);
	const { results } = await db
		.prepare(
			`SELECT ${COLUMNS} FROM track_record WHERE ${conds.join(" AND ")}
			 ORDER BY run_date DESC, card_id LIMIT ?${limit}`,
		)
		.bind(...binds)
		.all<TrackRecord>();
	return results;
}

/** Counts behind the per-side summary (every record in the filter, whatever its signal). */
export type RecordCounts = {
	records: number;
	resolved: number;
	decided: number;
	up: number;
	buy: number;
	buy_decided: number;
	buy_right: number;
	sell: number;
	sell_decided: number;
	sell_right: number;
};

/** The counts of the records a filter selects (the base rate comes from every decided record, not only signals). */
export async function countTrackRecords(db: D1Database, f: Omit<RecordFilter, "signal">): Promise<RecordCounts> {
	const w = where(f);
	const row = await db
		.prepare(
			`SELECT COUNT(*) AS records,
			   SUM(outcome IS NOT NULL) AS resolved,
			   SUM(outcome IN ('up', 'down')) AS decided,
			   SUM(outcome = 'up') AS up,
			   SUM(signal = 'BUY') AS buy,
			   SUM(signal = 'BUY' AND outcome IN ('up', 'down')) AS buy_decided,
			   SUM(signal = 'BUY' AND outcome = 'up') AS buy_right,
			   SUM(signal = 'SELL') AS sell,
			   SUM(signal = 'SELL' AND outcome IN ('up', 'down')) AS sell_decided,
			   SUM(signal = 'SELL' AND outcome = 'down') AS sell_right
			 FROM track_record ${w.sql}`,
		)
		.bind(...w.binds)
		.first<Record<keyof RecordCounts, number | null>>();
	const out = {} as RecordCounts;
	for (const k of [
		"records",
		"resolved",
		"decided",
		"up",
		"buy",
		"buy_decided",
		"buy_right",
		"sell",
		"sell_decided",
		"sell_right",
	] as const)
		out[k] = row?.[k] ?? 0;
	return out;
}
