/** Choosing and filtering catalogue cards: pure functions over the API's rows. */
import type { CatalogueCard } from "./types";

/** Whether a card matches the filter text (name, set or id, case-insensitive). */
export const matchesFilter = (card: CatalogueCard, filter: string) =>
	!filter ||
	[card.card_id, card.name, card.set].some(
		(v) => typeof v === "string" && v.toLowerCase().includes(filter.toLowerCase()),
	);

/** The card to show first: the one shown before if it is still listed, else the first with a BUY or SELL, else the first. */
export function defaultCard(cards: readonly CatalogueCard[], previous: string | null): CatalogueCard | undefined {
	return (
		cards.find((c) => c.card_id === previous) ??
		cards.find((c) => c.latest_signal === "BUY" || c.latest_signal === "SELL") ??
		cards[0]
	);
}

/** Counts of each latest signal, for the panel's header. */
export function signalCounts(cards: readonly CatalogueCard[]): { BUY: number; SELL: number; HOLD: number } {
	const counts = { BUY: 0, SELL: 0, HOLD: 0 };
	for (const c of cards)
		if (c.latest_signal === "BUY" || c.latest_signal === "SELL" || c.latest_signal === "HOLD")
			counts[c.latest_signal]++;
	return counts;
}
