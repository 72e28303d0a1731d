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

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** Language codes the page names in words; others are shown as their code. */
const LANGUAGES: Record<string, string> = { en: "English", ja: "Japanese" };

/**
 * What tells a card's row from its neighbours, under its name: number, printing, and "sealed" or
 * a language other than English when so (`223/197 · Reverse Holofoil · JA`). Null when the API
 * says none of it (the shipped sample).
 */
export function rowFacts(card: CatalogueCard): string | null {
	const language = text(card.language);
	const parts = [
		text(card.number),
		text(card.printing),
		card.kind === "sealed" ? "sealed" : null,
		language && language !== "en" ? language.toUpperCase() : null,
	].filter((p) => p !== null);
	return parts.length ? parts.join(" · ") : null;
}

/** Everything the API says of what a card is, for its panel (`OBF · 223/197 · Special Illustration Rare · Holofoil · English`). */
export function panelFacts(card: CatalogueCard): string[] {
	const language = text(card.language);
	return [
		text(card.set_code),
		text(card.number),
		text(card.rarity),
		text(card.printing),
		language ? (LANGUAGES[language] ?? language) : null,
		card.kind === "sealed" ? "sealed product" : null,
	].filter((p) => p !== null);
}

/** The card's TCGplayer page, if the API gave an https address (anything else, `javascript:` above all, is not linked). */
export function tcgplayerLink(url: unknown): string | null {
	if (typeof url !== "string") return null;
	try {
		const parsed = new URL(url);
		return parsed.protocol === "https:" ? parsed.href : null;
	} catch {
		return null;
	}
}
