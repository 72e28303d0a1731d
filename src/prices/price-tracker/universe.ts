import { z } from "zod";
import universeFile from "../../../config/cards.json";
import { CARD_ID_PATTERN } from "../../model/card-series";

/** One card the live source collects. */
export const UniverseCard = z.object({
	card_id: z.string().regex(CARD_ID_PATTERN, "must be a card id slug"),
	tcgplayer_id: z.string().regex(/^\d{1,12}$/, "must be a TCGplayer product id (digits)"),
	name: z.string().min(1),
	number: z.string().min(1),
	set_name: z.string().min(1),
});
export type UniverseCard = z.infer<typeof UniverseCard>;

/** The universe file: `config/cards.json`. Card ids and TCGplayer ids are unique. */
export const CardUniverse = z.object({ cards: z.array(UniverseCard).min(1) }).superRefine(({ cards }, ctx) => {
	for (const key of ["card_id", "tcgplayer_id"] as const) {
		const seen = new Set<string>();
		cards.forEach((card, i) => {
			if (seen.has(card[key]))
				ctx.addIssue({ code: "custom", path: ["cards", i, key], message: `duplicate ${key} ${card[key]}` });
			seen.add(card[key]);
		});
	}
});

/**
 * The live card universe in card_id order (shards are slices of this order). Throws naming the
 * entry at fault when the file is invalid.
 */
export function cardUniverse(source: unknown = universeFile): UniverseCard[] {
	const parsed = CardUniverse.safeParse(source);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new Error(`config/cards.json: ${issue?.path.join(".")}: ${issue?.message}`);
	}
	return [...parsed.data.cards].sort((a, b) => (a.card_id < b.card_id ? -1 : a.card_id > b.card_id ? 1 : 0));
}
