/**
 * Reading the history: the prices of a range of cards over the days a run planned on, at the
 * versions it planned on (so a day written again mid-run does not change what the run reads).
 * Only the parts that may hold the range are fetched.
 */
import { type DayVersion, type HistoryPart, partsOverlapping } from "../../db/history";
import { forEachLimit } from "../../lib/concurrency";
import { readPart } from "./day-store";
import { bySourcePrecedence } from "./layout";

/** One stored price. */
export type HistoryPrice = { card_id: string; date: string; price: number; source: string };

/** What a read fetched (for the step's record). */
export type HistoryRead = { prices: HistoryPrice[]; parts: number; days: number };

/** R2 reads in flight at once (a Worker may hold six connections open). */
const READ_CONCURRENCY = 6;

/**
 * The prices of cards in `[first, last]` on the given day versions, sorted by card and date;
 * where two sources hold the same card and day, the one with precedence (`sourceRank`) is kept.
 */
export async function readHistoryRange(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	days: readonly DayVersion[],
	first: string,
	last: string,
): Promise<HistoryRead> {
	const parts = await partsOverlapping(env.DB, days, first, last);
	const found: HistoryPrice[] = [];
	await forEachLimit(parts, READ_CONCURRENCY, async (part: HistoryPart) => {
		const object = await env.ARCHIVE.get(part.r2_key);
		if (!object) throw new Error(`the history lost ${part.r2_key}`);
		const { cards, prices } = await readPart(await object.arrayBuffer());
		for (let i = 0; i < cards.length; i++) {
			const card = cards[i] as string;
			if (card < first || card > last) continue;
			found.push({ card_id: card, date: part.date, price: prices[i] as number, source: part.source });
		}
	});
	found.sort(
		(a, b) =>
			(a.card_id < b.card_id ? -1 : a.card_id > b.card_id ? 1 : 0) ||
			(a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
			bySourcePrecedence(a.source, b.source),
	);
	const prices = found.filter(
		(p, i) =>
			i === 0 || p.card_id !== (found[i - 1] as HistoryPrice).card_id || p.date !== (found[i - 1] as HistoryPrice).date,
	);
	return { prices, parts: parts.length, days: new Set(parts.map((p) => p.date)).size };
}
