import { createRoute } from "@hono/zod-openapi";
import { listCatalogue, type ServingCard, searchQuery, sortValue } from "../../db/serving";
import { ApiError } from "../../errors";
import { cardFacts } from "../../serving/card-facts";
import { answerOfDay, requireCard, requireHistory, requireServing } from "../../serving/fair-price";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { CardIdParam, CataloguePage, CatalogueQuery, History, HistoryQuery } from "../schemas/cards";
import { problemResponses } from "../schemas/common";

/** The catalogue and each card's history. */
export const cardRoutes = createApp();

const tags = ["Cards"];

/** Where a cursor of the catalogue stands: a card id, or (sorted) the sort it was issued for, its value and card id. */
function positionOf(cursor: string, sort: string): { value: number | null; card_id: string } {
	if (sort === "card_id") return { value: null, card_id: decodeCursor(cursor, 1)[0] as string };
	const [issuedFor, value, cardId] = decodeCursor(cursor, 3) as [string, string, string];
	if (issuedFor !== sort || !Number.isFinite(Number(value)))
		throw new ApiError("validation_failed", `query.cursor: was issued for sort=${issuedFor}, not ${sort}`, {
			errors: [{ location: "query.cursor", message: `was issued for sort=${issuedFor}; keep the sort while paging` }],
		});
	return { value: Number(value), card_id: cardId };
}

/** The API's view of a catalogue row. */
export const catalogueEntry = (card: ServingCard) => ({
	card_id: card.card_id,
	...cardFacts(card),
	latest_date: card.latest_date,
	latest_market_price: card.market_price,
	latest_fair_price: card.fair_price,
	latest_deviation_pct: card.deviation_pct,
	latest_signal: card.signal,
	p_up: card.p_up,
	p_down: card.p_down,
	change_7d: card.change_7d,
	reason: card.reason,
	model_version: card.model_version,
});

cardRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/cards",
		operationId: "listCards",
		tags,
		summary: "The catalogue: each card with its latest price and signal, searched, filtered, sorted and paginated",
		request: { query: CatalogueQuery },
		responses: {
			200: {
				description: "A page of cards in the order `sort` asks",
				content: { "application/json": { schema: CataloguePage } },
			},
			...problemResponses(422, 503),
		},
	}),
	async (c) => {
		const { limit, cursor, q, sort, ...filters } = c.req.valid("query");
		if (filters.min_price !== undefined && filters.max_price !== undefined && filters.min_price > filters.max_price)
			throw new ApiError("validation_failed", "query.min_price: must not be above max_price", {
				errors: [{ location: "query.min_price", message: `must not be above max_price (${filters.max_price})` }],
			});
		const after = cursor === undefined ? null : positionOf(cursor, sort);
		const state = await requireServing(c.env, c.get("config"));
		const match = q === undefined ? undefined : (searchQuery(q) ?? undefined);
		const rows = await listCatalogue(c.env.DB, { ...filters, match }, sort, after, limit + 1);
		const { page, next_cursor } = pageOf(rows, limit, (r) =>
			sort === "card_id" ? [r.card_id] : [sort, String(sortValue(r, sort)), r.card_id],
		);
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
				...cardFacts(card),
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
