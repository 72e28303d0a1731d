import { z } from "@hono/zod-openapi";
import { KeyLimits } from "./keys";

const count = z.number().int().min(0);

/** Requests counted on one route pattern. */
export const RouteUsage = z
	.object({
		route: z
			.string()
			.openapi({ description: "The matched route pattern (never the raw path).", example: "/v1/fair-price" }),
		requests: count.openapi({ description: "Requests admitted." }),
		refused: count.openapi({ description: "Requests refused by the rate limit or the daily quota (429)." }),
	})
	.openapi("RouteUsage");

/** One UTC day's counts. */
export const DayUsage = z
	.object({
		date: z.string().openapi({ example: "2026-12-01", format: "date" }),
		requests: count,
		refused: count,
		routes: z
			.array(RouteUsage)
			.openapi({ description: "Per route, most requested first; empty on a day without requests." }),
	})
	.openapi("DayUsage");

/** A key's usage: who it is, its limits, its bucket and quota now, its counts for the last 30 days. */
export const Usage = z
	.object({
		id: z.string().openapi({ example: "key_3f9Qw1ZxPa0b" }),
		name: z.string(),
		scopes: z.array(z.enum(["read", "admin"])),
		limits: KeyLimits,
		bucket: z
			.object({
				limit: count.openapi({ description: "The burst (bucket capacity)." }),
				remaining: count,
				reset_seconds: count.openapi({ description: "Seconds until the bucket is full again." }),
			})
			.openapi({
				description:
					"The bucket now, as the key's Durable Object holds it. Tokens other isolates hold in leases count as spent until they are given back (at most LEASE_SECONDS).",
			}),
		quota: z
			.object({
				limit: count,
				used: count.openapi({ description: "Requests admitted (or leased and not given back) today, UTC." }),
				remaining: count,
				reset_seconds: count.openapi({ description: "Seconds until the UTC day rolls over." }),
			})
			.nullable()
			.openapi({ description: "The daily quota (`limits.requests_per_day`); null when the key has none." }),
		totals: z
			.object({ requests: count, refused: count, routes: z.array(RouteUsage) })
			.openapi({ description: "The 30 days together." }),
		days: z.array(DayUsage).openapi({
			description:
				"The last 30 UTC days, oldest first, today last. Counts reach storage in batches: an isolate's latest few seconds may not be in yet.",
		}),
	})
	.openapi("Usage");
export type Usage = z.infer<typeof Usage>;

/** What admins also see: the key's limiter object's own call counters. */
export const AdminUsage = Usage.extend({
	limiter: z
		.object({
			calls: z.object({ take: count, lease: count, record: count, report: count }),
			since: z
				.string()
				.openapi({ description: "When the object started counting (it starts again after an eviction)." }),
		})
		.openapi({
			description:
				"Calls into the key's Durable Object since it started: calls per request is these over the requests counted.",
		}),
}).openapi("AdminUsage");
export type AdminUsage = z.infer<typeof AdminUsage>;
