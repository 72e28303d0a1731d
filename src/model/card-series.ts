import { z } from "zod";

/** Card ids: lower-case slugs such as `sv03-223-charizard-ex`. */
export const CARD_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** ISO calendar date, YYYY-MM-DD, that exists on the calendar. */
export function isIsoDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * One card's observed prices inside a model artifact (`models/<version>/cards/<card_id>.json`):
 * parallel arrays, ascending by date, one price per date.
 */
export const CardSeries = z.object({
	format: z.literal(1),
	card_id: z.string(),
	name: z.string(),
	set_name: z.string(),
	dates: z.array(z.string()),
	prices: z.array(z.number()),
});
export type CardSeries = z.infer<typeof CardSeries>;

/** One observed market price, as read from a CSV or a price source. */
export type PriceRow = {
	card_id: string;
	card_name: string;
	set_name: string;
	date: string;
	market_price: number;
	source: string;
};

/** Groups rows into one series per card, sorted by date; a repeated card/date keeps the last row. */
export function toSeries(rows: readonly PriceRow[]): CardSeries[] {
	const byCard = new Map<string, { name: string; set_name: string; prices: Map<string, number> }>();
	for (const row of rows) {
		let card = byCard.get(row.card_id);
		if (!card) {
			card = { name: row.card_name, set_name: row.set_name, prices: new Map() };
			byCard.set(row.card_id, card);
		}
		card.name = row.card_name;
		card.set_name = row.set_name;
		card.prices.set(row.date, row.market_price);
	}
	return [...byCard.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([card_id, card]) => {
			const dates = [...card.prices.keys()].sort();
			return {
				format: 1 as const,
				card_id,
				name: card.name,
				set_name: card.set_name,
				dates,
				prices: dates.map((d) => card.prices.get(d) as number),
			};
		});
}
