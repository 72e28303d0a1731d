/**
 * Writing the history: a day's snapshot for one source, cut into canonical parts (cards in
 * order, HISTORY_PART_ROWS a part), written under its content's version, then made current in
 * one D1 batch whose last statement moves the day's pointer. The same prices always give the
 * same version: writing them again changes nothing. A merge overlays new prices on the day's
 * current ones (a card and day is replaced, never duplicated).
 */
import { runBatched } from "../../db/batch";
import { getHistoryDay, type HistoryDay, type HistoryPart, partsOf, putHistoryDay } from "../../db/history";
import { sha256Hex } from "../../lib/hash";
import { readColumns, writeColumns } from "../../lib/parquet";
import { HISTORY_PART_ROWS, HISTORY_SOURCE_PATTERN, historyPartKey } from "./layout";

/** One day's prices of one source: card ids and their prices, in any order. */
export type DayPrices = { cards: readonly string[]; prices: ArrayLike<number> };

/** What writing a day did. */
export type DayWritten = {
	date: string;
	source: string;
	version: string;
	rows: number;
	parts: number;
	changed: boolean;
};

/** Sorts a day's prices by card and refuses what the history cannot hold: duplicates, non-positive or non-finite prices. */
export function canonicalDay(day: DayPrices): { cards: string[]; prices: Float64Array } {
	if (day.cards.length !== day.prices.length) throw new Error("a day's cards and prices differ in length");
	const order = day.cards.map((_, i) => i).sort((a, b) => compare(day.cards[a] as string, day.cards[b] as string));
	const cards: string[] = new Array(order.length);
	const prices = new Float64Array(order.length);
	order.forEach((i, k) => {
		const card = day.cards[i] as string;
		const price = day.prices[i] as number;
		if (k > 0 && cards[k - 1] === card) throw new Error(`card ${card} appears twice in one day`);
		if (!(Number.isFinite(price) && price > 0))
			throw new Error(`card ${card}: price ${price} is not a positive number`);
		cards[k] = card;
		prices[k] = price;
	});
	return { cards, prices };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A part's Parquet bytes. */
const partBytes = (cards: readonly string[], prices: Float64Array) =>
	writeColumns([
		{ name: "card_id", type: "STRING", data: cards },
		{ name: "market_price", type: "DOUBLE", data: prices },
	]);

/** Reads one part back: card ids and prices in card order. */
export async function readPart(file: ArrayBuffer): Promise<{ cards: string[]; prices: number[] }> {
	const c = await readColumns(file);
	return { cards: (c.card_id ?? []) as string[], prices: (c.market_price ?? []) as number[] };
}

/**
 * Writes one day of one source as its current snapshot. Nothing is written when the stored
 * version already holds exactly these prices.
 */
export async function writeDay(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	target: { date: string; source: string; by: string },
	day: DayPrices,
): Promise<DayWritten> {
	if (!HISTORY_SOURCE_PATTERN.test(target.source)) throw new Error(`bad history source "${target.source}"`);
	const { cards, prices } = canonicalDay(day);
	const bodies: Uint8Array[] = [];
	const shas: string[] = [];
	for (let from = 0; from < cards.length; from += HISTORY_PART_ROWS) {
		const to = Math.min(cards.length, from + HISTORY_PART_ROWS);
		const body = partBytes(cards.slice(from, to), prices.slice(from, to));
		bodies.push(body);
		shas.push(await sha256Hex(body));
	}
	const version = (await sha256Hex(`${target.date}\n${target.source}\n${shas.join("\n")}`)).slice(0, 16);
	const result = { date: target.date, source: target.source, version, rows: cards.length, parts: bodies.length };
	const current = await getHistoryDay(env.DB, target.date, target.source);
	if (current?.version === version) return { ...result, changed: false };
	const parts: HistoryPart[] = [];
	for (const [k, body] of bodies.entries()) {
		const r2_key = historyPartKey(target.date, target.source, version, k);
		const sha256 = shas[k] as string;
		await env.ARCHIVE.put(r2_key, body, {
			httpMetadata: { contentType: "application/vnd.apache.parquet" },
			customMetadata: { sha256 },
		});
		const from = k * HISTORY_PART_ROWS;
		const to = Math.min(cards.length, from + HISTORY_PART_ROWS);
		parts.push({
			...target,
			version,
			part: k,
			first_card: cards[from] as string,
			last_card: cards[to - 1] as string,
			rows: to - from,
			r2_key,
			sha256,
		});
	}
	const row: HistoryDay = {
		date: target.date,
		source: target.source,
		version,
		rows: cards.length,
		cards: cards.length,
		parts: parts.length,
		written_at: new Date().toISOString(),
		written_by: target.by,
	};
	// The parts first, the day's pointer last: a crash in between leaves the old version current.
	await runBatched(env.DB, putHistoryDay(env.DB, row, parts));
	return { ...result, changed: true };
}

/** The day's current prices of one source (empty when the day is not stored). */
export async function readDay(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	date: string,
	source: string,
): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	const current = await getHistoryDay(env.DB, date, source);
	if (!current) return out;
	for (const part of await partsOf(env.DB, current)) {
		const object = await env.ARCHIVE.get(part.r2_key);
		if (!object) throw new Error(`the history lost ${part.r2_key}`);
		const { cards, prices } = await readPart(await object.arrayBuffer());
		for (const [i, c] of cards.entries()) out.set(c, prices[i] as number);
	}
	return out;
}

/** Overlays prices on a day's current snapshot (a card already there takes the new price) and writes the result. */
export async function mergeDay(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	target: { date: string; source: string; by: string },
	day: DayPrices,
): Promise<DayWritten> {
	const merged = await readDay(env, target.date, target.source);
	for (let i = 0; i < day.cards.length; i++) merged.set(day.cards[i] as string, day.prices[i] as number);
	return writeDay(env, target, { cards: [...merged.keys()], prices: [...merged.values()] });
}
