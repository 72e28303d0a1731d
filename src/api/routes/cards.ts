import { createRoute } from "@hono/zod-openapi";
import { listServingCards, type ServingCard } from "../../db/serving";
import { ApiError } from "../../errors";
import { answerOfDay, requireCard, requireHistory, requireServing } from "../../serving/fair-price";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { CardIdParam, CataloguePage, CatalogueQuery, History, HistoryQuery } from "../schemas/cards";
import { problemResponses } from "../schemas/common";

/** The catalogue and each card's history. */
export const cardRoutes = createApp();

const tags = ["Cards"];

/** The API's view of a catalogue row. */
export const catalogueEntry = (card: ServingCard) => ({
	card_id: card.card_id,
	name: card.name,
	set: card.set_name,
	latest_date: card.latest_date,
	latest_market_price: card.market_price,
	latest_fair_price: card.fair_price,
	latest_deviation_pct: card.deviation_pct,
	latest_signal: card.signal,
	p_up: card.p_up,
	p_down: card.p_down,
	reason: card.reason,
	model_version: card.model_version,
});

cardRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/cards",
		operationId: "listCards",
		tags,
		summary: "The catalogue: each card with its latest price and signal, paginated",
		request: { query: CatalogueQuery },
		responses: {
			200: {
				description: "A page of cards in card_id order",
				content: { "application/json": { schema: CataloguePage } },
			},
			...problemResponses(422, 503),
		},
	}),
	async (c) => {
		const { limit, cursor } = c.req.valid("query");
		const after = cursor === undefined ? null : (decodeCursor(cursor, 1)[0] as string);
		const state = await requireServing(c.env, c.get("config"));
		const rows = await listServingCards(c.env.DB, after, limit + 1);
		const { page, next_cursor } = pageOf(rows, limit, (r) => [r.card_id]);
		return c.json(
			{
				data: page.map(catalogueEntry),
				next_cursor,
				model_version: state.model_version,
				data_as_of: state.data_as_of,
			},
			200,
		);
	},
);

cardRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/cards/{card_id}/history",
		operationId: "getCardHistory",
		tags,
		summary: "A card's dated market price, fair value and signal",
		request: { params: CardIdParam, query: HistoryQuery },
		responses: {
			200: {
				description: "Every observed day in the range, oldest first",
				content: { "application/json": { schema: History } },
			},
			...problemResponses(404, 422, 503),
		},
	}),
	async (c) => {
		const { card_id } = c.req.valid("param");
		const { from, to } = c.req.valid("query");
		if (from && to && from > to) {
			throw new ApiError("validation_failed", "query.from: must not be after `to`", {
				errors: [{ location: "query.from", message: `must not be after to (${to})` }],
			});
		}
		const config = c.get("config");
		const { card } = await requireCard(c.env, config, card_id);
		const line = await requireHistory(c.env, config, card);
		c.set("modelVersion", line.model_version);
		const points = [];
		for (let i = 0; i < line.dates.length; i++) {
			const date = line.dates[i] as string;
			if ((from && date < from) || (to && date > to)) continue;
			const a = answerOfDay(line, i, config);
			points.push({
				date: a.date,
				market_price: a.market_price,
				fair_price: a.fair_price,
				deviation_pct: a.deviation_pct,
				signal: a.signal,
				p_up: a.p_up,
				p_down: a.p_down,
			});
		}
		c.header("Cache-Control", "private, max-age=60");
		return c.json(
			{
				card_id,
				name: line.name,
				set: line.set,
				from: from ?? null,
				to: to ?? null,
				points,
				horizon_days: line.horizon_days,
				move: line.move,
				model_version: line.model_version,
			},
			200,
		);
	},
);
