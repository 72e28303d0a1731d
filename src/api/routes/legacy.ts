import { createRoute } from "@hono/zod-openapi";
import { countServingCards, listServingCardIds } from "../../db/serving";
import { requireServing } from "../../serving/fair-price";
import { servingStore } from "../../serving/serving-store";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";
import { FairPriceRequest } from "../schemas/fair-price";
import { LegacyCards, LegacyFairPrice, LegacyHealth } from "../schemas/health";
import { answer } from "./fair-price";

/**
 * The original FastAPI routes, kept for their clients with the original field names.
 * Errors are problem+json, whose `detail` member is where FastAPI clients already look.
 */
export const legacyRoutes = createApp();

const tags = ["Legacy (deprecated)"];

legacyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/fair_price",
		operationId: "legacyFairPrice",
		tags,
		deprecated: true,
		summary: "Deprecated: use POST /v1/fair-price",
		request: { body: { required: true, content: { "application/json": { schema: FairPriceRequest } } } },
		responses: {
			200: {
				description: "The original response fields",
				content: { "application/json": { schema: LegacyFairPrice } },
			},
			...problemResponses(400, 404, 422, 503),
		},
	}),
	async (c) => {
		const { card_id, date } = c.req.valid("json");
		const r = await answer(c, card_id, date);
		const result = {
			card_id: r.card_id,
			date: r.date,
			market_price: r.market_price,
			fair_price: r.fair_price,
			deviation_pct: r.deviation_pct,
			signal: r.signal,
		};
		c.header("Deprecation", "true");
		c.header("Link", '</v1/fair-price>; rel="successor-version"');
		return c.json(result, 200);
	},
);

legacyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/cards",
		operationId: "legacyListCards",
		tags,
		deprecated: true,
		summary: "Deprecated: use GET /v1/cards",
		responses: {
			200: { description: "Every card id", content: { "application/json": { schema: LegacyCards } } },
			...problemResponses(401, 403, 429, 503),
		},
	}),
	async (c) => {
		await requireServing(c.env, c.get("config"));
		const cards = await listServingCardIds(c.env.DB);
		c.header("Deprecation", "true");
		c.header("Link", '</v1/cards>; rel="successor-version"');
		return c.json({ cards, count: cards.length }, 200);
	},
);

legacyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/health",
		operationId: "legacyHealth",
		tags,
		deprecated: true,
		security: [],
		summary: "Deprecated: use GET /v1/health",
		responses: {
			200: { description: "Always 200, as before", content: { "application/json": { schema: LegacyHealth } } },
			...problemResponses(414),
		},
	}),
	async (c) => {
		const state = await servingStore(c.get("config")).state(c.env);
		c.header("Deprecation", "true");
		c.header("Link", '</v1/health>; rel="successor-version"');
		c.header("Cache-Control", "no-store");
		return c.json(
			{
				status: state ? ("healthy" as const) : ("degraded" as const),
				model_loaded: state !== null,
				cards_count: state ? await countServingCards(c.env.DB) : 0,
			},
			200,
		);
	},
);
