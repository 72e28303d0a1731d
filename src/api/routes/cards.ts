import { createRoute } from "@hono/zod-openapi";
import { type CatalogueCard, listCatalogue } from "../../db/catalogue";
import { ApiError } from "../../errors";
import { requireCard, requireChampion } from "../../lib/fair-price-service";
import { evaluateAt } from "../../model/fair-value";
import { createApp } from "../app";
import { CardIdParam, CataloguePage, CatalogueQuery, History, HistoryQuery } from "../schemas/cards";
import { problemResponses } from "../schemas/common";

/** The catalogue and each card's history. */
export const cardRoutes = createApp();

const tags = ["Cards"];

/** The API's view of a catalogue row. */
export const catalogueEntry = (card: CatalogueCard) => ({
	card_id: card.card_id,
	name: card.name,
	set: card.set_name,
	latest_date: card.latest_date,
	latest_market_price: card.latest_market,
	latest_fair_price: card.latest_fair,
	latest_deviation_pct: card.latest_deviation,
	latest_signal: card.latest_signal,
});

// Cursors are opaque to clients: the last card id of the page, base64url-encoded.
const encodeCursor = (cardId: string) => btoa(cardId).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
function decodeCursor(cursor: string): string {
	try {
		const id = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
		if (/^[a-z0-9][a-z0-9._-]{0,127}$/.test(id)) return id;
	} catch {
		// fall through to the validation error
	}
	throw new ApiError("validation_failed", "query.cursor: is not a cursor this API issued", {
		errors: [{ location: "query.cursor", message: "is not a cursor this API issued" }],
	});
}

cardRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/cards",
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
		const after = cursor === undefined ? null : decodeCursor(cursor);
		const champion = await requireChampion(c.env, c.get("config"));
		const rows = await listCatalogue(c.env.DB, champion.version, after, limit + 1);
		const page = rows.slice(0, limit);
		const last = page.at(-1);
		return c.json(
			{
				items: page.map(catalogueEntry),
				next_cursor: rows.length > limit && last ? encodeCursor(last.card_id) : null,
				model_version: champion.version,
			},
			200,
		);
	},
);

cardRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/cards/{card_id}/history",
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
		const { champion, series } = await requireCard(c.env, c.get("config"), card_id, (p) => c.executionCtx.waitUntil(p));
		c.set("modelVersion", champion.version);
		const points = [];
		for (let i = 0; i < series.dates.length; i++) {
			const date = series.dates[i] as string;
			if ((from && date < from) || (to && date > to)) continue;
			points.push(evaluateAt(series.dates, series.prices, i, champion.spec));
		}
		c.header("Cache-Control", "private, max-age=60");
		return c.json(
			{
				card_id,
				name: series.name,
				set: series.set_name,
				from: from ?? null,
				to: to ?? null,
				points,
				model_version: champion.version,
			},
			200,
		);
	},
);
