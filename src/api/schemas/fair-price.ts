import { z } from "@hono/zod-openapi";
import { CardId, IsoDate, Signal } from "./common";

export const FairPriceRequest = z
	.object({
		card_id: CardId,
		date: IsoDate.optional().openapi({ description: "Defaults to the card's latest observed date." }),
	})
	.strict()
	.openapi("FairPriceRequest");
export type FairPriceRequest = z.infer<typeof FairPriceRequest>;

export const FairPrice = z
	.object({
		card_id: CardId,
		date: IsoDate,
		market_price: z.number().openapi({ example: 412.5 }),
		fair_price: z
			.number()
			.openapi({ description: "Mean of the last observed prices (the model's window).", example: 398.1 }),
		deviation_pct: z.number().nullable().openapi({
			description: "(market - fair) / fair as a fraction; null when fair is not positive.",
			example: 0.0362,
		}),
		signal: Signal,
		model_version: z.string().openapi({ example: "v20260822-1a2b3c4d5e" }),
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
