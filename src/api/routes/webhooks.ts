import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import {
	deleteSubscription,
	getSubscription,
	insertSubscription,
	isServedSet,
	listSubscriptions,
	resumeSubscription,
	type Subscription,
	unservedCards,
} from "../../db/webhooks";
import { ApiError, type FieldError } from "../../errors";
import { encryptSecret, secretKeyOf } from "../../webhooks/secrets";
import { generateSecret } from "../../webhooks/signing";
import { checkTarget } from "../../webhooks/targets";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { pageQuery, problemResponses } from "../schemas/common";
import { CreatedWebhook, CreateWebhookRequest, Webhook, WebhookIdParam, WebhookList } from "../schemas/webhooks";

/** Webhook subscriptions of the calling API key: create, list, read, delete, resume (test and deliveries: webhook-deliveries.ts). */
export const webhookRoutes = createApp();

/** The OpenAPI tag of every webhook route. */
export const WEBHOOK_TAGS = ["Webhooks"];

const tags = WEBHOOK_TAGS;

/** The subscription as the API shows it. */
export const webhookView = (s: Subscription): Webhook => ({
	id: s.id,
	url: s.url,
	card_ids: s.card_ids === null ? null : [...s.card_ids],
	set: s.set_name,
	all: s.filter === "all",
	signals: [...s.signals],
	min_probability: s.min_probability,
	status: s.status,
	paused_reason: s.paused_reason,
	paused_at: s.paused_at,
	consecutive_failures: s.consecutive_failures,
	created_at: s.created_at,
	updated_at: s.updated_at,
});

/** The calling key's id (subscriptions belong to it). */
export const keyIdOf = (c: Context<AppEnv>) => c.get("apiKey")?.id ?? "anonymous";

const notFound = (id: string) => new ApiError("not_found", `No webhook with id ${id} for this API key.`);

const invalid = (errors: FieldError[]) =>
	new ApiError("validation_failed", `${errors[0]?.location}: ${errors[0]?.message}`, { errors });

/** The calling key's subscription `id`, or a 404 (also when another key owns it). */
export async function ownSubscription(c: Context<AppEnv>, id: string): Promise<Subscription> {
	const sub = await getSubscription(c.env.DB, id, keyIdOf(c));
	if (!sub) throw notFound(id);
	return sub;
}

const randomId = () => {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	return `wh_${[...crypto.getRandomValues(new Uint8Array(20))].map((b) => alphabet[b % 62]).join("")}`;
};

/** The request of a route on one webhook. */
export const idRequest = { params: WebhookIdParam };

webhookRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/webhooks",
		operationId: "createWebhook",
		tags,
		summary: "Subscribe to signal changes (the signing secret is in this response only)",
		description:
			"After each nightly run, one event per subscription lists the cards whose served signal changed and pass its filter (exactly one of `card_ids`, `set` or `all`, then `signals` and `min_probability`). Deliveries follow Standard Webhooks; see the README, section Webhooks.",
		request: { body: { required: true, content: { "application/json": { schema: CreateWebhookRequest } } } },
		responses: {
			201: {
				description: "The subscription and its secret",
				content: { "application/json": { schema: CreatedWebhook } },
			},
			...problemResponses(400, 409, 422, 503),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const config = c.get("config");
		const keyId = keyIdOf(c);
		const verdict = checkTarget(body.url, { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK });
		if (!verdict.ok) throw invalid([{ location: "body.url", message: verdict.reason }]);
		if (body.card_ids) {
			const unknown = await unservedCards(c.env.DB, body.card_ids);
			if (unknown.length > 0)
				throw invalid(
					unknown.map((id) => ({
						location: `body.card_ids.${body.card_ids?.indexOf(id)}`,
						message: `${id} is not a served card`,
					})),
				);
		}
		if (body.set !== undefined && !(await isServedSet(c.env.DB, body.set)))
			throw invalid([{ location: "body.set", message: `no served card is in the set "${body.set}"` }]);
		const secretKey = secretKeyOf(config);
		const now = new Date().toISOString();
		const sub: Subscription = {
			id: randomId(),
			key_id: keyId,
			url: verdict.url.href,
			filter: body.card_ids ? "cards" : body.set !== undefined ? "set" : "all",
			card_ids: body.card_ids ? [...new Set(body.card_ids)] : null,
			set_name: body.set ?? null,
			signals: body.signals,
			min_probability: body.min_probability ?? null,
			status: "active",
			paused_reason: null,
			paused_at: null,
			consecutive_failures: 0,
			created_at: now,
			updated_at: now,
		};
		const secret = generateSecret();
		const sealed = await encryptSecret(secretKey, sub.id, secret);
		if (!(await insertSubscription(c.env.DB, sub, sealed, config.WEBHOOK_MAX_PER_KEY)))
			throw new ApiError(
				"conflict",
				`This API key already has ${config.WEBHOOK_MAX_PER_KEY} webhooks, the most it may hold.`,
			);
		c.header("Cache-Control", "no-store");
		c.header("Location", `/v1/webhooks/${sub.id}`);
		return c.json({ ...webhookView(sub), secret }, 201);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/webhooks",
		operationId: "listWebhooks",
		tags,
		summary: "This API key's webhooks, oldest first",
		request: { query: z.object(pageQuery(50)) },
		responses: {
			200: { description: "A page of webhooks", content: { "application/json": { schema: WebhookList } } },
			...problemResponses(422),
		},
	}),
	async (c) => {
		const { limit, cursor } = c.req.valid("query");
		const after = cursor ? decodeCursor(cursor, 2) : undefined;
		const rows = await listSubscriptions(
			c.env.DB,
			keyIdOf(c),
			limit + 1,
			after ? { created_at: after[0] as string, id: after[1] as string } : undefined,
		);
		const { page, next_cursor } = pageOf(rows, limit, (r) => [r.created_at, r.id]);
		c.header("Cache-Control", "no-store");
		return c.json({ data: page.map(webhookView), next_cursor }, 200);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/webhooks/{id}",
		operationId: "getWebhook",
		tags,
		summary: "One webhook of this API key (status, and why it is paused)",
		request: idRequest,
		responses: {
			200: { description: "The webhook", content: { "application/json": { schema: Webhook } } },
			...problemResponses(404, 422),
		},
	}),
	async (c) => {
		c.header("Cache-Control", "no-store");
		return c.json(webhookView(await ownSubscription(c, c.req.valid("param").id)), 200);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/v1/webhooks/{id}",
		operationId: "deleteWebhook",
		tags,
		summary: "Delete a webhook and its delivery log (queued deliveries are dropped)",
		request: idRequest,
		responses: { 204: { description: "Deleted" }, ...problemResponses(404, 422) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		if (!(await deleteSubscription(c.env.DB, id, keyIdOf(c)))) throw notFound(id);
		return c.body(null, 204);
	},
);

webhookRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/webhooks/{id}/resume",
		operationId: "resumeWebhook",
		tags,
		summary: "Make a paused webhook active again (its failure count back to 0)",
		request: idRequest,
		responses: {
			200: { description: "The webhook", content: { "application/json": { schema: Webhook } } },
			...problemResponses(404, 422),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		if (!(await resumeSubscription(c.env.DB, id, keyIdOf(c), new Date().toISOString()))) throw notFound(id);
		return c.json(webhookView(await ownSubscription(c, id)), 200);
	},
);
