import { createRoute } from "@hono/zod-openapi";
import { latestDrift } from "../../db/run-records";
import { requireChampion } from "../../lib/fair-price-service";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";
import { Health } from "../schemas/health";

/** Liveness plus what is serving. Public. */
export const healthRoutes = createApp();

healthRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/health",
		tags: ["Health"],
		// Public: no API key.
		security: [],
		summary: "Service status, serving model version, card count, data as-of date and the latest drift flag",
		responses: {
			200: { description: "A model is serving", content: { "application/json": { schema: Health } } },
			...problemResponses(503),
		},
	}),
	async (c) => {
		const [champion, drift] = await Promise.all([requireChampion(c.env, c.get("config")), latestDrift(c.env.DB)]);
		c.header("Cache-Control", "no-store");
		return c.json(
			{
				status: "ok" as const,
				model_version: champion.version,
				card_count: champion.card_count,
				data_as_of: champion.data_as_of,
				environment: c.get("config").ENVIRONMENT,
				drift: drift && {
					flagged: drift.flagged,
					psi: drift.psi,
					ks: drift.ks,
					run_id: drift.run_id,
					run_date: drift.run_date,
				},
			},
			200,
		);
	},
);
