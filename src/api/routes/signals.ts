import { createRoute } from "@hono/zod-openapi";
import { topSignals } from "../../db/catalogue";
import { requireChampion } from "../../lib/fair-price-service";
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
		tags: ["Signals"],
		summary: "Cards whose latest signal is BUY or SELL, largest |deviation| first",
		request: { query: SignalsQuery },
		responses: {
			200: { description: "Ranked actionable cards", content: { "application/json": { schema: SignalList } } },
			...problemResponses(422, 503),
		},
	}),
	async (c) => {
		const { signal, limit } = c.req.valid("query");
		const champion = await requireChampion(c.env, c.get("config"));
		const rows = await topSignals(c.env.DB, champion.version, signal ? [signal] : ["BUY", "SELL"], limit);
		return c.json(
			{
				items: rows.map((row) => ({ ...catalogueEntry(row), latest_deviation_pct: row.latest_deviation ?? 0 })),
				model_version: champion.version,
				as_of: champion.data_as_of,
			},
			200,
		);
	},
);
