import { createRoute } from "@hono/zod-openapi";
import { getChampion } from "../../db/models";
import { latestDrift } from "../../db/run-records";
import { countServingCards } from "../../db/serving";
import { requireServing } from "../../serving/fair-price";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";
import { Health } from "../schemas/health";

/** Liveness plus what is serving. Public. */
export const healthRoutes = createApp();

healthRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/health",
		operationId: "getHealth",
		tags: ["Health"],
		// Public: no API key.
		security: [],
		summary: "Service status, the model and run serving, card count, data as-of date and the latest drift flag",
		responses: {
			200: { description: "A model is serving", content: { "application/json": { schema: Health } } },
			...problemResponses(414, 503),
		},
	}),
	async (c) => {
		const state = await requireServing(c.env, c.get("config"));
		const [champion, drift, cards] = await Promise.all([
			getChampion(c.env.DB),
			latestDrift(c.env.DB),
			countServingCards(c.env.DB),
		]);
		c.header("Cache-Control", "no-store");
		return c.json(
			{
				status: "ok" as const,
				model_version: state.model_version,
				champion: champion?.version ?? null,
				card_count: cards,
				data_as_of: state.data_as_of,
				serving_run: state.run_id,
				epoch: state.epoch,
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
