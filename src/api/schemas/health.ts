import { z } from "@hono/zod-openapi";
import { IsoDate } from "./common";

export const Health = z
	.object({
		status: z.literal("ok"),
		model_version: z.string().openapi({ description: "The model the newest run published with." }),
		champion: z
			.string()
			.nullable()
			.openapi({ description: "The champion alias: what the next run keeps unless a challenger wins." }),
		card_count: z.number().int(),
		data_as_of: IsoDate,
		serving_run: z.string().openapi({ description: "The run with the newest data serving." }),
		epoch: z.string().openapi({
			description: "The last run that published (serving answers reflect it within MODEL_REFRESH_SECONDS).",
		}),
		environment: z.string(),
		drift: z
			.object({
				flagged: z.boolean().openapi({ description: "PSI or KS above DRIFT_PSI_THRESHOLD / DRIFT_KS_THRESHOLD." }),
				psi: z.number().nullable(),
				ks: z.number().nullable(),
				run_id: z.string(),
				run_date: IsoDate,
			})
			.nullable()
			.openapi({ description: "Daily-return drift measured by the latest pipeline run; null before any run." }),
	})
	.openapi("Health");
export type Health = z.infer<typeof Health>;

export const LegacyCards = z.object({ cards: z.array(z.string()), count: z.number().int() }).openapi("LegacyCards");

export const LegacyHealth = z
	.object({
		status: z.enum(["healthy", "degraded"]),
		model_loaded: z.boolean(),
		cards_count: z.number().int(),
	})
	.openapi("LegacyHealth");

export const LegacyFairPrice = z
	.object({
		card_id: z.string(),
		date: IsoDate,
		market_price: z.number(),
		fair_price: z.number(),
		deviation_pct: z.number().nullable(),
		signal: z.enum(["BUY", "SELL", "HOLD"]),
	})
	.openapi("LegacyFairPrice");
