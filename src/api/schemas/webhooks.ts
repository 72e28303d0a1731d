import { z } from "@hono/zod-openapi";
import { CardId, listOf, Signal } from "./common";

/** A subscription's id in a path. */
export const WebhookIdParam = z.object({
	id: z
		.string()
		.regex(/^wh_[A-Za-z0-9]{16,40}$/, "must be a webhook id (wh_...)")
		.openapi({ param: { name: "id", in: "path" }, example: "wh_4kQ9x2Lm7Pz0aB3c" }),
});

export const CreateWebhookRequest = z
	.object({
		url: z.string().trim().min(1).max(2048).openapi({
			description: "Where events are POSTed: https:// to a public host (no private, loopback or link-local addresses).",
			example: "https://hooks.example.com/pokewatch",
		}),
		card_ids: z.array(CardId).min(1).max(100).optional().openapi({ description: "Only these cards (served cards)." }),
		set: z
			.string()
			.trim()
			.min(1)
			.max(200)
			.optional()
			.openapi({ description: "Only cards of this set (as served).", example: "Obsidian Flames" }),
		all: z.literal(true).optional().openapi({ description: "Every card." }),
		signals: z
			.array(Signal)
			.min(1, "must name at least one signal")
			.max(3)
			.refine((s) => new Set(s).size === s.length, "must not repeat a signal")
			.openapi({ description: "The new signals to be told about.", example: ["BUY", "SELL"] }),
		min_probability: z.number().min(0).max(1).optional().openapi({
			description:
				"Only BUY and SELL answers whose probability of that move (p_up, p_down) is known and at least this. HOLD changes are not held to it.",
			example: 0.6,
		}),
	})
	.strict()
	.superRefine((body, ctx) => {
		const given = (["card_ids", "set", "all"] as const).filter((k) => body[k] !== undefined);
		if (given.length === 0)
			ctx.addIssue({ code: "custom", path: ["card_ids"], message: "one of card_ids, set or all: true is required" });
		for (const extra of given.slice(1))
			ctx.addIssue({ code: "custom", path: [extra], message: `cannot be combined with ${given[0]}` });
	})
	.openapi("CreateWebhookRequest");
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

export const Webhook = z
	.object({
		id: z.string().openapi({ example: "wh_4kQ9x2Lm7Pz0aB3c" }),
		url: z.string(),
		card_ids: z.array(z.string()).nullable(),
		set: z.string().nullable(),
		all: z.boolean(),
		signals: z.array(Signal),
		min_probability: z.number().nullable(),
		status: z.enum(["active", "paused"]),
		paused_reason: z.string().nullable().openapi({ description: "Why deliveries stopped, while paused." }),
		paused_at: z.string().nullable(),
		consecutive_failures: z.number().int(),
		created_at: z.string(),
		updated_at: z.string(),
	})
	.openapi("Webhook");
export type Webhook = z.infer<typeof Webhook>;

export const CreatedWebhook = Webhook.extend({
	secret: z.string().openapi({
		description: "The signing secret (Standard Webhooks, whsec_...). Shown once: store it now.",
		example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	}),
}).openapi("CreatedWebhook");

export const WebhookList = listOf(Webhook).openapi("WebhookList");

export const WebhookDelivery = z
	.object({
		id: z.string().openapi({ description: "The event id (the webhook-id header).", example: "msg_2f1c..." }),
		subscription_id: z.string(),
		run_id: z.string().nullable().openapi({ description: "The run whose changes it tells (null for a test event)." }),
		type: z.enum(["signals.changed", "webhook.test"]),
		status: z.enum(["pending", "retrying", "delivered", "failed", "cancelled"]),
		attempts: z.number().int(),
		last_status: z.number().int().nullable().openapi({ description: "The receiver's last HTTP status." }),
		last_error: z.string().nullable(),
		created_at: z.string(),
		last_attempt_at: z.string().nullable(),
		delivered_at: z.string().nullable(),
		failed_at: z.string().nullable(),
	})
	.openapi("WebhookDelivery");
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = listOf(WebhookDelivery).openapi("WebhookDeliveryList");
