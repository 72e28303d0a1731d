import { createRoute } from "@hono/zod-openapi";
import { topServingSignals } from "../../db/serving";
import { requireServing } from "../../serving/fair-price";
import { createApp } from "../app";
import { SignalList, SignalsQuery } from "../schemas/cards";
import { problemResponses } from "../schemas/common";
import { catalogueEntry } from "./cards";

/** The latest actionable cards. */
export const signalRoutes = createApp();

signalRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/signals",
		operationId: "listSignals",
		tags: ["Signals"],
		summary: "Cards whose latest signal is BUY or SELL, most probable first",
		request: { query: SignalsQuery },
		responses: {
			200: { description: "Ranked actionable cards", content: { "application/json": { schema: SignalList } } },
			...problemResponses(422, 503),
		},
	}),
	async (c) => {
		const { signal, limit } = c.req.valid("query");
		const state = await requireServing(c.env, c.get("config"));
		const rows = await topServingSignals(c.env.DB, signal ? [signal] : ["BUY", "SELL"], limit);
		return c.json(
			{
				data: rows.map((row) => ({ ...catalogueEntry(row), probability: row.strength })),
				next_cursor: null,
				model_version: state.model_version,
				as_of: state.data_as_of,
			},
			200,
		);
	},
);
