import { z } from "@hono/zod-openapi";
import { CardId, IsoDate, listOf, pageQuery, Signal } from "./common";

export const CardIdParam = z.object({ card_id: CardId.openapi({ param: { name: "card_id", in: "path" } }) });

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
		reason: z.string().nullable(),
		model_version: z.string(),
	})
	.openapi("CatalogueEntry");

export const CatalogueQuery = z.object(pageQuery(50));

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
