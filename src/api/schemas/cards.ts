import { z } from "@hono/zod-openapi";
import { CardId, IsoDate, listOf, pageQuery, Signal } from "./common";

export const CardIdParam = z.object({ card_id: CardId.openapi({ param: { name: "card_id", in: "path" } }) });

/** What a card is: the feed's product in one printing (null where the card's source does not say). */
export const CardFacts = z.object({
	slug: z.string().nullable().openapi({
		description:
			"A readable name beside the card id (set code, number, name, printing). It follows the feed's names, so it can change: the card id never does.",
		example: "obf-223-charizard-ex-holofoil",
	}),
	tcgplayer_product_id: z.number().int().nullable().openapi({ example: 509980 }),
	printing: z.string().nullable().openapi({ description: "The feed's subTypeName.", example: "Holofoil" }),
	number: z
		.string()
		.nullable()
		.openapi({ description: "The card number; null for sealed products.", example: "223/197" }),
	rarity: z.string().nullable().openapi({ example: "Special Illustration Rare" }),
	set_code: z.string().nullable().openapi({ example: "OBF" }),
	language: z.string().nullable().openapi({ description: "en (TCGplayer category 3) or ja (85).", example: "en" }),
	kind: z.enum(["card", "sealed"]).openapi({
		description: "sealed: a product with no card number (booster box, Elite Trainer Box, pack, tin).",
	}),
	tcgplayer_url: z.string().nullable().openapi({ example: "https://www.tcgplayer.com/product/509980" }),
});
export type CardFacts = z.infer<typeof CardFacts>;

export const CatalogueEntry = z
	.object({
		card_id: CardId,
		name: z.string().openapi({ example: "Charizard ex" }),
		set: z.string().openapi({ example: "SV03: Obsidian Flames" }),
		latest_date: IsoDate,
		latest_market_price: z.number(),
		latest_fair_price: z.number(),
		latest_deviation_pct: z.number().nullable(),
		latest_signal: Signal,
		p_up: z.number().nullable(),
		p_down: z.number().nullable(),
		change_7d: z.number().nullable().openapi({
			description: "Change of the market price from the last price on or before 7 days earlier, as a fraction.",
			example: 0.042,
		}),
		reason: z.string().nullable(),
		model_version: z.string(),
		...CardFacts.shape,
	})
	.openapi("CatalogueEntry");

const sorts = ["card_id", "price", "-price", "change", "-change", "probability", "-probability"] as const;

const price = (name: string) =>
	z.coerce
		.number({ error: "must be a number" })
		.min(0, "must be at least 0")
		.optional()
		.openapi({ param: { name, in: "query" }, example: name === "min_price" ? 5 : 100 });

export const CatalogueQuery = z.object({
	...pageQuery(50),
	q: z
		.string()
		.trim()
		.min(1)
		.max(100)
		.refine((v) => /[\p{L}\p{N}]/u.test(v), "must hold a letter or a digit")
		.optional()
		.openapi({
			param: { name: "q", in: "query" },
			description: "Words of the name, card number, set code or slug; each a prefix, all required (`char 223`).",
			example: "charizard",
		}),
	set: z
		.string()
		.min(1)
		.max(200)
		.optional()
		.openapi({ param: { name: "set", in: "query" }, example: "SV03: Obsidian Flames" }),
	printing: z
		.string()
		.min(1)
		.max(60)
		.optional()
		.openapi({ param: { name: "printing", in: "query" }, example: "Reverse Holofoil" }),
	language: z
		.string()
		.regex(/^[a-z]{2,3}$/, "must be a language code such as en or ja")
		.optional()
		.openapi({ param: { name: "language", in: "query" }, example: "en" }),
	kind: z
		.enum(["card", "sealed"])
		.optional()
		.openapi({ param: { name: "kind", in: "query" } }),
	signal: Signal.optional().openapi({ param: { name: "signal", in: "query" } }),
	min_price: price("min_price"),
	max_price: price("max_price"),
	sort: z
		.enum(sorts)
		.default("card_id")
		.openapi({
			param: { name: "sort", in: "query" },
			description:
				"card_id (default), or price, change (7 days) or probability (p_up of a BUY, p_down of a SELL, 0 for a HOLD), ascending; `-` first for descending. Sorting by change leaves out cards with no price a week back.",
			example: "-probability",
		}),
});

export const CataloguePage = listOf(CatalogueEntry, {
	model_version: z.string().openapi({ description: "The model the newest run published with." }),
	data_as_of: IsoDate,
}).openapi("CataloguePage");

export const HistoryQuery = z.object({
	from: IsoDate.optional().openapi({ param: { name: "from", in: "query" } }),
	to: IsoDate.optional().openapi({ param: { name: "to", in: "query" } }),
});

export const HistoryPoint = z
	.object({
		date: IsoDate,
		market_price: z.number(),
		fair_price: z.number(),
		deviation_pct: z.number().nullable(),
		signal: Signal,
		p_up: z.number().nullable(),
		p_down: z.number().nullable(),
	})
	.openapi("HistoryPoint");

export const History = z
	.object({
		card_id: CardId,
		name: z.string(),
		set: z.string(),
		from: IsoDate.nullable(),
		to: IsoDate.nullable(),
		points: z.array(HistoryPoint),
		horizon_days: z.number().int(),
		move: z.number(),
		model_version: z.string(),
		...CardFacts.shape,
	})
	.openapi("CardHistory");

export const SignalsQuery = z.object({
	signal: z
		.enum(["BUY", "SELL"])
		.optional()
		.openapi({ param: { name: "signal", in: "query" }, description: "Both when omitted." }),
	limit: pageQuery(20).limit,
});

export const SignalEntry = CatalogueEntry.extend({
	probability: z.number().openapi({
		description: "What ranks it: p_up of a BUY, p_down of a SELL (|deviation| for a rule, which has no probabilities).",
	}),
}).openapi("SignalEntry");

/** The ranked signals: one page (`next_cursor` is always null: `limit` says how many). */
export const SignalList = listOf(SignalEntry, { model_version: z.string(), as_of: IsoDate }).openapi("SignalList");
