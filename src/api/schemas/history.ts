import { z } from "@hono/zod-openapi";
import { IsoDate, listOf, pageQuery } from "./common";

/** One day and source of the price history, at its current version. */
export const HistoryDay = z
	.object({
		date: IsoDate,
		source: z.string().openapi({ description: "tcgcsv, live, or an import's source.", example: "tcgcsv" }),
		version: z.string().openapi({
			description: "Names the day's content: the same prices, the same version.",
			example: "3f9a0c1d2e4b5a67",
		}),
		rows: z.number().int(),
		parts: z.number().int(),
		written_at: z.string(),
		written_by: z.string().openapi({ description: "The run or seed that wrote this version." }),
	})
	.openapi("HistoryDay");

export const HistoryQuery = z.object({
	...pageQuery(100),
	from: IsoDate.optional().openapi({ param: { name: "from", in: "query" } }),
	to: IsoDate.optional().openapi({ param: { name: "to", in: "query" } }),
	source: z
		.string()
		.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be a source name such as tcgcsv")
		.optional()
		.openapi({ param: { name: "source", in: "query" } }),
});

/** The history's days, newest first. */
export const HistoryDays = listOf(HistoryDay).openapi("HistoryDays");

/** The body of POST /v1/admin/history/seeds. */
export const SeedRequest = z
	.object({
		import_id: z
			.string()
			.regex(/^[0-9a-f]{64}$/, "must be an import id (64 hex digits)")
			.openapi({ example: "9d1c4b7e2a0f3e6d5c8b1a4f7e0d3c6b9a2f5e8d1c4b7a0e3f6d9c2b5a8e1f4d" }),
		force: z.boolean().default(false).openapi({ description: "Seed again even if this import was seeded already." }),
	})
	.strict()
	.openapi("SeedRequest");

export const Seed = z
	.object({
		id: z.string(),
		import_id: z.string(),
		status: z.enum(["queued", "running", "complete", "failed"]),
		rows: z.number().int(),
		cards: z.number().int(),
		date_from: IsoDate,
		date_to: IsoDate,
		days_written: z.number().int().openapi({ description: "Days and sources merged into the history." }),
		created_at: z.string(),
		ended_at: z.string().nullable(),
		error: z.string().nullable(),
	})
	.openapi("Seed");

export const SeedResponse = z.object({ seed: Seed, reused: z.boolean(), href: z.string() }).openapi("SeedResponse");

export const SeedIdParam = z.object({
	id: z
		.string()
		.regex(/^seed-\d{8}-[0-9a-f]{8}$/, "must be a seed id")
		.openapi({ param: { name: "id", in: "path" }, example: "seed-20261207-1a2b3c4d" }),
});
