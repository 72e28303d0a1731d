import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { ServingState } from "../../db/serving";
import { fairPriceEtag, memoFairPrice, requireServing } from "../../serving/fair-price";
import { createApp } from "../app";
import { problemBody, toApiError, validationError } from "../problem";
import { CardIdParam } from "../schemas/cards";
import { problemResponses } from "../schemas/common";
import { BatchRequest, BatchResponse, FairPrice, FairPriceQuery, FairPriceRequest } from "../schemas/fair-price";

/** Fair-price lookups: one card (POST and cacheable GET) and batches. */
export const fairPriceRoutes = createApp();

const tags = ["Fair price"];

fairPriceRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/fair-price",
		operationId: "getFairPrice",
		tags,
		summary: "Fair price and signal of a card on a day",
		request: { body: { required: true, content: { "application/json": { schema: FairPriceRequest } } } },
		responses: {
			200: { description: "The card's fair value and signal", content: { "application/json": { schema: FairPrice } } },
			...problemResponses(400, 404, 413, 422, 503),
		},
	}),
	async (c) => {
		const { card_id, date } = c.req.valid("json");
		return c.json(await answer(c, card_id, date), 200);
	},
);

fairPriceRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/cards/{card_id}/fair-price",
		operationId: "getCardFairPrice",
		tags,
		summary: "Fair price and signal of a card (cacheable GET)",
		request: { params: CardIdParam, query: FairPriceQuery },
		responses: {
			200: {
				description: "The card's fair value and signal, with an ETag",
				content: { "application/json": { schema: FairPrice } },
			},
			304: { description: "Not modified: the If-None-Match ETag still names this answer" },
			...problemResponses(404, 422, 503),
		},
	}),
	async (c) => {
		const { card_id } = c.req.valid("param");
		const { date } = c.req.valid("query");
		// The answer depends only on the publishing run, card and date, so the ETag is known before
		// any card is read; clients revalidate after a minute and every night's run changes it.
		const state = await requireServing(c.env, c.get("config"));
		const etag = fairPriceEtag(state.epoch, card_id, date);
		c.header("ETag", etag);
		c.header("Cache-Control", "private, max-age=60");
		c.set("modelVersion", state.model_version);
		if (matchesEtag(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
		return c.json(await answer(c, card_id, date, state), 200);
	},
);

fairPriceRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/fair-price/batch",
		operationId: "getFairPrices",
		tags,
		summary: "Fair prices for up to 100 cards; each item succeeds or fails on its own",
		request: { body: { required: true, content: { "application/json": { schema: BatchRequest } } } },
		responses: {
			200: {
				description: "One result or problem per item, in order",
				content: { "application/json": { schema: BatchResponse } },
			},
			...problemResponses(400, 413, 422, 503),
		},
	}),
	async (c) => {
		const { items } = c.req.valid("json");
		// One publishing run for the whole batch (a 503 for all before any run published).
		const state = await requireServing(c.env, c.get("config"));
		const results = await Promise.all(items.map((item, index) => batchItem(c, item, index, state)));
		const failed = results.filter((r) => r.status !== 200).length;
		// A batch has no single signal: keep the request log's field for single answers.
		c.set("signal", undefined);
		return c.json({ items: results, succeeded: results.length - failed, failed }, 200);
	},
);

/** One fair price through the Cache API memo, noting the outcome for the request log. */
export async function answer(c: Context<AppEnv>, cardId: string, date: string | undefined, state?: ServingState) {
	const { result, cache } = await memoFairPrice(
		c.env,
		c.get("config"),
		cardId,
		date,
		(p) => c.executionCtx.waitUntil(p),
		state,
	);
	// A batch is a hit only if every item was.
	c.set("cache", c.get("cache") === "miss" ? "miss" : cache);
	c.set("modelVersion", result.model_version);
	c.set("signal", result.signal);
	return result;
}

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) entity tags. */
function matchesEtag(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	if (header.trim() === "*") return true;
	return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

async function batchItem(c: Context<AppEnv>, item: unknown, index: number, state: ServingState) {
	try {
		const parsed = FairPriceRequest.safeParse(item);
		if (!parsed.success) throw validationError(parsed.error, `body.items.${index}`);
		const result = await answer(c, parsed.data.card_id, parsed.data.date, state);
		return { index, status: 200 as const, result };
	} catch (error) {
		const apiError = toApiError(error);
		if (apiError.status >= 500)
			console.error(JSON.stringify({ level: "error", msg: "batch item failed", index, error: String(error) }));
		const { instance: _instance, ...problem } = problemBody(apiError, c.get("requestId"));
		return { index, status: apiError.status, problem };
	}
}
