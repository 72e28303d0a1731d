import { createRoute, z } from "@hono/zod-openapi";
import { cacheStats } from "../../lib/cache-memo";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";

/** Operator views of the serving isolate. Needs the `admin` scope. */
export const adminStatsRoutes = createApp();

const Counter = z.object({ hits: z.number().int(), misses: z.number().int(), hit_rate: z.number().nullable() });

export const CacheStats = z
	.object({
		isolate_started_at: z
			.string()
			.nullable()
			.openapi({ description: "When this isolate first counted a lookup (null before any)." }),
		namespaces: z.record(z.string(), Counter),
		note: z.string(),
	})
	.openapi("CacheStats");

adminStatsRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/cache",
		operationId: "getCacheStats",
		tags: ["Admin: operations"],
		summary: "Cache API memo hits and misses of the isolate that answers",
		responses: {
			200: {
				description: "Counts per namespace (fair-price answers, card lookups)",
				content: { "application/json": { schema: CacheStats } },
			},
			...problemResponses(401, 403, 429),
		},
	}),
	(c) => {
		c.header("Cache-Control", "no-store");
		return c.json(
			{
				...cacheStats(),
				note: "Counts are per isolate since it started; the request log's cache field has every lookup.",
			},
			200,
		);
	},
);
