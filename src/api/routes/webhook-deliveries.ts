import { createRoute, z } from "@hono/zod-openapi";
import { insertDelivery, listDeliveries, markEnqueued } from "../../db/webhook-deliveries";
import { ApiError } from "../../errors";
import { randomEventId, testEvent } from "../../webhooks/events";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { pageQuery, problemResponses } from "../schemas/common";
import { WebhookDelivery, WebhookDeliveryList, WebhookIdParam } from "../schemas/webhooks";
import { idRequest, ownSubscription, WEBHOOK_TAGS as tags } from "./webhooks";

/** A webhook's deliveries: queue a test event, list what was sent and how it went. */
export const webhookDeliveryRoutes = createApp();

webhookDeliveryRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/webhooks/{id}/test",
		operationId: "testWebhook",
		tags,
		summary: "Queue a signed `webhook.test` event to the webhook",
		request: idRequest,
		responses: {
			202: { description: "The queued delivery", content: { "application/json": { schema: WebhookDelivery } } },
			...problemResponses(404, 409, 422),
		},
	}),
	async (c) => {
		const sub = await ownSubscription(c, c.req.valid("param").id);
		if (sub.status !== "active")
			throw new ApiError("conflict", `Webhook ${sub.id} is paused (${sub.paused_reason}); resume it first.`);
		const now = new Date();
		const id = randomEventId();
		await c.env.DB.batch([
			insertDelivery(c.env.DB, {
				id,
				subscription_id: sub.id,
				run_id: null,
				type: "webhook.test",
				body: testEvent(sub.id, now),
				created_at: now.toISOString(),
			}),
			markEnqueued(c.env.DB, [id], now.toISOString()),
		]);
		await c.env.WEBHOOKS.send({ delivery_id: id });
		const delivery: WebhookDelivery = {
			id,
			subscription_id: sub.id,
			run_id: null,
			type: "webhook.test",
			status: "pending",
			attempts: 0,
			last_status: null,
			last_error: null,
			created_at: now.toISOString(),
			last_attempt_at: null,
			delivered_at: null,
			failed_at: null,
		};
		return c.json(delivery, 202);
	},
);

webhookDeliveryRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/webhooks/{id}/deliveries",
		operationId: "listWebhookDeliveries",
		tags,
		summary: "The webhook's deliveries, newest first: status, attempts, last response code",
		request: { params: WebhookIdParam, query: z.object(pageQuery(50)) },
		responses: {
			200: { description: "A page of deliveries", content: { "application/json": { schema: WebhookDeliveryList } } },
			...problemResponses(404, 422),
		},
	}),
	async (c) => {
		const sub = await ownSubscription(c, c.req.valid("param").id);
		const { limit, cursor } = c.req.valid("query");
		const after = cursor ? decodeCursor(cursor, 2) : undefined;
		const rows = await listDeliveries(
			c.env.DB,
			sub.id,
			limit + 1,
			after ? { created_at: after[0] as string, id: after[1] as string } : undefined,
		);
		const { page, next_cursor } = pageOf(rows, limit, (r) => [r.created_at, r.id]);
		c.header("Cache-Control", "no-store");
		return c.json({ data: page.map(({ enqueued_at: _e, ...d }) => WebhookDelivery.parse(d)), next_cursor }, 200);
	},
);
