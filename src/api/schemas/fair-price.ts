import { z } from "@hono/zod-openapi";
import { CardFacts } from "./cards";
import { CardId, IsoDate, Signal } from "./common";

export const FairPriceRequest = z
	.object({
		card_id: CardId,
		date: IsoDate.optional().openapi({ description: "Defaults to the card's latest observed date." }),
	})
	.strict()
	.openapi("FairPriceRequest");
export type FairPriceRequest = z.infer<typeof FairPriceRequest>;

/** The evidence behind an answer. */
export const Evidence = z
	.object({
		observations: z.number().int().openapi({ description: "Days the card has been observed, up to this one." }),
		days_since_change: z.number().int().openapi({ description: "Calendar days since its price last changed." }),
	})
	.openapi("Evidence");

export const FairPrice = z
	.object({
		card_id: CardId,
		date: IsoDate,
		market_price: z.number().openapi({ example: 412.5 }),
		fair_price: z.number().openapi({
			description:
				"The model's expected price at the horizon: market * (1 + move * (p_up - p_down)) for the learned model, the rule's own price for a rule. A BUY is a card priced under where it is heading.",
			example: 418.1,
		}),
		deviation_pct: z.number().nullable().openapi({
			description:
				"(market - fair) / fair as a fraction: negative when the price is expected to rise; null when fair is not positive.",
			example: -0.0134,
		}),
		signal: Signal,
		p_up: z.number().nullable().openapi({
			description:
				"Calibrated probability that the price reaches +move before -move within horizon_days (null for a rule).",
			example: 0.41,
		}),
		p_down: z.number().nullable().openapi({
			description: "Calibrated probability that the price reaches -move first (null for a rule).",
			example: 0.08,
		}),
		horizon_days: z.number().int().openapi({ example: 7 }),
		move: z.number().openapi({ description: "The move that decides (a fraction).", example: 0.05 }),
		evidence: Evidence,
		reason: z.string().nullable().openapi({
			description:
				"Why a HOLD is a HOLD (too illiquid to judge, priced too low, no clear direction); null for BUY and SELL.",
			example: null,
		}),
		model_version: z.string().openapi({ example: "v20260822-1a2b3c4d5e" }),
		name: z.string().openapi({ example: "Charizard ex" }),
		set: z.string().openapi({ example: "SV03: Obsidian Flames" }),
		...CardFacts.shape,
	})
	.openapi("FairPrice");
export type FairPrice = z.infer<typeof FairPrice>;

export const FairPriceQuery = z.object({
	date: IsoDate.optional().openapi({ param: { name: "date", in: "query" } }),
});

export const MAX_BATCH = 100;

export const BatchRequest = z
	.object({
		items: z
			.array(z.unknown().openapi({ type: "object", description: "A FairPriceRequest; each is validated on its own." }))
			.min(1, "must hold at least one item")
			.max(MAX_BATCH, `must hold at most ${MAX_BATCH} items`),
	})
	.strict()
	.openapi("FairPriceBatchRequest");

export const BatchItem = z
	.union([
		z.object({ index: z.number().int(), status: z.literal(200), result: FairPrice }),
		z.object({
			index: z.number().int(),
			status: z.number().int(),
			problem: z
				.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), code: z.string() })
				.passthrough(),
		}),
	])
	.openapi("FairPriceBatchItem");

export const BatchResponse = z
	.object({
		items: z.array(BatchItem),
		succeeded: z.number().int(),
		failed: z.number().int(),
	})
	.openapi("FairPriceBatchResponse");
export type BatchResponse = z.infer<typeof BatchResponse>;
