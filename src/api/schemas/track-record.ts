import { z } from "@hono/zod-openapi";
import { CardId, IsoDate, listOf, pageQuery, Signal } from "./common";

/** The query of GET /v1/track-record. */
export const TrackRecordQuery = z.object({
	from: IsoDate.optional().openapi({
		param: { name: "from", in: "query" },
		description: "First run date (inclusive).",
	}),
	to: IsoDate.optional().openapi({ param: { name: "to", in: "query" }, description: "Last run date (inclusive)." }),
	card_id: CardId.optional().openapi({ param: { name: "card_id", in: "query" } }),
	signal: Signal.optional().openapi({
		param: { name: "signal", in: "query" },
		description: "List only answers with this signal (the summary still counts every record, for the base rates).",
	}),
	...pageQuery(100),
});

/** One published answer and its outcome. */
export const TrackRecordEntry = z
	.object({
		run_date: IsoDate,
		card_id: CardId,
		date: IsoDate.openapi({ description: "The observed day the answer was about (on or before run_date)." }),
		market_price: z.number(),
		fair_price: z.number(),
		signal: Signal,
		p_up: z.number().nullable(),
		p_down: z.number().nullable(),
		model_version: z.string(),
		run_id: z.string(),
		horizon_days: z.number().int(),
		move: z.number(),
		outcome: z.enum(["up", "down", "none"]).nullable().openapi({
			description: "Which way the price moved first by `move` within `horizon_days`; null until the prices show it.",
		}),
		outcome_date: IsoDate.nullable(),
	})
	.openapi("TrackRecordEntry");

const Side = z
	.object({
		signals: z.number().int(),
		decided: z.number().int().openapi({ description: "Signals whose first move happened within the horizon." }),
		right: z.number().int(),
		precision: z.number().nullable(),
		base_rate: z
			.number()
			.nullable()
			.openapi({ description: "The share of decided records whose first move went this way." }),
		edge: z.number().nullable().openapi({ description: "precision - base_rate." }),
	})
	.openapi("TrackRecordSide");

/** The per-side summary. */
export const TrackRecordSummary = z
	.object({
		records: z.number().int(),
		resolved: z.number().int(),
		decided: z.number().int(),
		buy: Side,
		sell: Side,
		pooled_edge: z.number().nullable(),
	})
	.openapi("TrackRecordSummary");

/** A page of the track record with its summary. */
export const TrackRecordPage = listOf(TrackRecordEntry, { summary: TrackRecordSummary }).openapi("TrackRecordPage");
