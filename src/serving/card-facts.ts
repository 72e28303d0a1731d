import type { ServingCard } from "../db/serving";

/** What a served card is, as every answer about it carries it: name, set, and the feed's product and printing. */
export const cardFacts = (card: ServingCard) => ({
	name: card.name,
	set: card.set_name,
	slug: card.slug,
	tcgplayer_product_id: card.product_id,
	printing: card.printing,
	number: card.number,
	rarity: card.rarity,
	set_code: card.set_code,
	language: card.language,
	kind: card.kind,
	tcgplayer_url: card.url,
});

/** The facts of a card as the API shows them. */
export type CardFactsView = ReturnType<typeof cardFacts>;
