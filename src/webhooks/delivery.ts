/**
 * The webhook queue consumer: one message per delivery (`{ delivery_id }`). A message is one
 * attempt: the stored body, freshly signed, POSTed to the target with redirects never followed;
 * a failure is retried with exponential backoff (`message.retry({ delaySeconds })`) until the
 * queue's max_retries send it to the dead-letter queue, whose consumer marks the delivery failed
 * (and may pause the subscription).
 */
import { z } from "zod";
import type { Config } from "../config";
import { cancelDelivery, failDelivery, getDelivery, recordAttempt } from "../db/webhook-deliveries";
import { getSubscriptionForDelivery } from "../db/webhooks";
import { decryptSecret, secretKeyOf } from "./secrets";
import { signedHeaders } from "./signing";
import { checkTarget } from "./targets";

/** A queue message: the delivery to attempt. */
export const WebhookMessage = z.object({ delivery_id: z.string().min(1).max(100) });
export type WebhookMessage = z.infer<typeof WebhookMessage>;

/** Queues allow delays up to 12 hours. */
const MAX_DELAY_SECONDS = 12 * 3600;

/** The delay before attempt `attempts + 1`: base, 2 x base, 4 x base, ..., at most 12 h. */
export const retryDelay = (attempts: number, baseSeconds: number) =>
	Math.min(MAX_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1));

/** Whether a batch comes from a dead-letter queue (named `<queue>-dlq`, see wrangler.toml). */
export const isDeadLetterQueue = (queue: string) => queue.endsWith("-dlq");

/** What one attempt asks of the queue. */
export type AttemptResult = { ack: true } | { ack: false; delaySeconds: number };

/** One POST; never throws for the receiver's faults. */
async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number) {
	try {
		const res = await fetch(url, {
			method: "POST",
			headers: { ...headers, "user-agent": "PokeWatch-Webhooks/1" },
			body,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
		await res.body?.cancel();
		if (res.status >= 200 && res.status < 300) return { status: res.status, error: null };
		if (res.status >= 300 && res.status < 400)
			return {
				status: res.status,
				error: `redirect (HTTP ${res.status} to ${res.headers.get("location") ?? "nowhere"}) not followed`,
			};
		return { status: res.status, error: `HTTP ${res.status}` };
	} catch (error) {
		const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
		return {
			status: null,
			error: timedOut ? `no answer within ${timeoutMs} ms` : `could not connect: ${String(error)}`,
		};
	}
}

/** Attempts a delivery once. */
export async function attemptDelivery(
	db: D1Database,
	config: Config,
	message: { body: WebhookMessage; attempts: number },
): Promise<AttemptResult> {
	const id = message.body.delivery_id;
	const delivery = await getDelivery(db, id);
	if (!delivery || ["delivered", "failed", "cancelled"].includes(delivery.status)) return { ack: true };
	const sub = await getSubscriptionForDelivery(db, delivery.subscription_id);
	if (sub?.status !== "active") {
		await cancelDelivery(db, id, sub ? "the subscription is paused" : "the subscription was deleted");
		return { ack: true };
	}
	const at = new Date();
	const verdict = checkTarget(sub.url, { allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK });
	if (!verdict.ok) {
		// The policy will not change between retries: fail now rather than spend them.
		await recordAttempt(db, id, sub.id, {
			at: at.toISOString(),
			status: null,
			error: `target refused: url ${verdict.reason}`,
			delivered: false,
		});
		await failDelivery(db, id, at.toISOString(), config.WEBHOOK_PAUSE_AFTER);
		return { ack: true };
	}
	const secret = await decryptSecret(secretKeyOf(config), sub.id, sub.secret_cipher);
	const headers = await signedHeaders(secret, delivery.id, Math.floor(at.getTime() / 1000), delivery.body);
	const result = await post(verdict.url.href, headers, delivery.body, config.WEBHOOK_TIMEOUT_MS);
	const delivered = result.error === null;
	await recordAttempt(db, id, sub.id, { at: at.toISOString(), ...result, delivered });
	return delivered
		? { ack: true }
		: { ack: false, delaySeconds: retryDelay(message.attempts, config.WEBHOOK_RETRY_BASE_SECONDS) };
}

/** The queue handler: attempts from the delivery queue, failures from its dead-letter queue. */
export async function handleWebhookBatch(batch: MessageBatch, env: { DB: D1Database }, config: Config): Promise<void> {
	const deadLetters = isDeadLetterQueue(batch.queue);
	await Promise.all(
		batch.messages.map(async (message) => {
			const parsed = WebhookMessage.safeParse(message.body);
			if (!parsed.success) {
				// Not ours: retrying would not make it readable.
				console.error(JSON.stringify({ level: "error", msg: "unreadable webhook message", id: message.id }));
				message.ack();
				return;
			}
			const deliveryId = parsed.data.delivery_id;
			try {
				if (deadLetters) {
					await failDelivery(env.DB, deliveryId, new Date().toISOString(), config.WEBHOOK_PAUSE_AFTER);
					message.ack();
					return;
				}
				const result = await attemptDelivery(env.DB, config, { body: parsed.data, attempts: message.attempts });
				if (result.ack) message.ack();
				else message.retry({ delaySeconds: result.delaySeconds });
			} catch (error) {
				console.error(
					JSON.stringify({
						level: "error",
						msg: "webhook delivery error",
						delivery_id: deliveryId,
						error: String(error),
					}),
				);
				message.retry({ delaySeconds: retryDelay(message.attempts, config.WEBHOOK_RETRY_BASE_SECONDS) });
			}
		}),
	);
}
