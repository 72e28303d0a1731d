import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { CreatedWebhook, WebhookDeliveryList } from "../../src/api/schemas/webhooks";
import type { Received } from "../setup/webhook-receiver";
import { api, postJson, readJson } from "./api";

/** The receiver URL of hook `name`. */
export const hookUrl = (name: string) => `${env.WEBHOOK_TEST_RECEIVER}/hooks/${name}`;

/** Tells the receiver hook `name` its secret and which statuses to answer (then `repeat`, default 200). */
export async function armHook(name: string, secret: string, plan: number[] = [], repeat?: number): Promise<void> {
	const res = await fetch(`${env.WEBHOOK_TEST_RECEIVER}/__control/hooks`, {
		method: "POST",
		body: JSON.stringify({ name, secret, plan, ...(repeat ? { repeat } : {}) }),
	});
	expect(res.status).toBe(204);
}

/** What hook `name` received so far. */
export async function received(name: string): Promise<Received[]> {
	return (await (await fetch(`${env.WEBHOOK_TEST_RECEIVER}/__control/received?name=${name}`)).json()) as Received[];
}

/** Creates a webhook to hook `name` (with `body`'s filter), arms the receiver with its secret, and returns it. */
export async function subscribe(
	name: string,
	body: Record<string, unknown> = { all: true, signals: ["BUY", "SELL", "HOLD"] },
	options: { plan?: number[]; repeat?: number; headers?: Record<string, string> } = {},
) {
	const created = await readJson(
		await postJson("/v1/webhooks", { url: hookUrl(name), ...body }, { headers: options.headers ?? {} }),
		CreatedWebhook,
		201,
	);
	await armHook(name, created.secret, options.plan, options.repeat);
	return created;
}

/** The webhook's deliveries, newest first. */
export async function deliveries(id: string, headers: Record<string, string> = {}) {
	return (await readJson(await api(`/v1/webhooks/${id}/deliveries`, { headers }), WebhookDeliveryList)).data;
}

/** Waits until `check` passes (the queue consumer runs on its own). */
export const eventually = <T>(check: () => Promise<T>, timeout = 30_000) =>
	vi.waitFor(check, { timeout, interval: 100 });

/** Forgets every subscription, delivery and recorded change. */
export async function resetWebhooks(): Promise<void> {
	await env.DB.batch(
		["webhook_deliveries", "webhook_subscriptions", "signal_changes"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
	);
}
