/** Choosing catalogue cards and counting their signals: pure functions over the API's rows (the API does the searching). */
import type { CatalogueCard } from "./types";

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
