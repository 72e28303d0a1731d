import type { Signal } from "../model/fair-value";
import { insertRows } from "./batch";

/** A row of `model_cards`: a card and its latest evaluated day under one model version. */
export type CatalogueCard = {
	card_id: string;
	name: string;
	set_name: string;
	points: number;
	first_date: string;
	latest_date: string;
	latest_market: number;
	latest_fair: number;
	latest_deviation: number | null;
	latest_signal: Signal;
	object_key: string;
	sha256: string;
};

const COLUMNS = `card_id, name, set_name, points, first_date, latest_date, latest_market, latest_fair,
	latest_deviation, latest_signal, object_key, sha256`;

/** Cards of a version in card_id order, strictly after `after` (keyset pagination). */
export async function listCatalogue(
	db: D1Database,
	version: string,
	after: string | null,
	limit: number,
): Promise<CatalogueCard[]> {
	const { results } = await db
		.prepare(`SELECT ${COLUMNS} FROM model_cards WHERE version = ?1 AND card_id > ?2 ORDER BY card_id LIMIT ?3`)
		.bind(version, after ?? "", limit)
		.all<CatalogueCard>();
	return results;
}

/** Every card id of a version (the legacy `GET /cards`), in order. */
export async function listCardIds(db: D1Database, version: string): Promise<string[]> {
	const { results } = await db
		.prepare("SELECT card_id FROM model_cards WHERE version = ? ORDER BY card_id")
		.bind(version)
		.all<{ card_id: string }>();
	return results.map((r) => r.card_id);
}

/** The latest BUY and/or SELL cards of a version, largest |deviation| first. */
export async function topSignals(
	db: D1Database,
	version: string,
	signals: readonly Signal[],
	limit: number,
): Promise<CatalogueCard[]> {
	const marks = signals.map((_, i) => `?${i + 3}`).join(", ");
	const { results } = await db
		.prepare(
			`SELECT ${COLUMNS} FROM model_cards WHERE version = ?1 AND latest_signal IN (${marks})
			 ORDER BY abs_deviation DESC, card_id LIMIT ?2`,
		)
		.bind(version, limit, ...signals)
		.all<CatalogueCard>();
	return results;
}

/**
 * Multi-row statements inserting catalogue rows (idempotent on version + card_id): seven rows per
 * statement under D1's 100 bound parameters, so a shard of 250 cards is 36 statements, not 250.
 */
export function insertCatalogueCards(
	db: D1Database,
	version: string,
	cards: readonly CatalogueCard[],
): D1PreparedStatement[] {
	return insertRows(
		db,
		`INSERT INTO model_cards (version, ${COLUMNS}, abs_deviation)`,
		"ON CONFLICT (version, card_id) DO NOTHING",
		cards.map((card) => [
			version,
			card.card_id,
			card.name,
			card.set_name,
			card.points,
			card.first_date,
			card.latest_date,
			card.latest_market,
			card.latest_fair,
			card.latest_deviation,
			card.latest_signal,
			card.object_key,
			card.sha256,
			Math.abs(card.latest_deviation ?? 0),
		]),
	);
}
