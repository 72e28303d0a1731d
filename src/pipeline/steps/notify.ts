/**
 * Step "notify": after finalize, tells webhook subscribers which cards the run changed. The
 * changes are what finalize's publish transaction recorded in `signal_changes` (a card whose
 * served signal differs from the one it had, or a card new to serving); a run older than what
 * serves replaces no served card and so notifies nobody, except for cards it newly serves.
 * Each active subscription with at least one matching card gets one delivery, keyed by
 * (run, subscription) with INSERT OR IGNORE, then handed to the queue: a retried step makes no
 * second delivery and re-sends only those never marked enqueued (an earlier run's too, should its
 * notify have failed before sending).
 */
import { runBatched } from "../../db/batch";
import { insertDelivery, markEnqueued, unenqueuedDeliveries } from "../../db/webhook-deliveries";
import { listActiveSubscriptions, listSignalChanges } from "../../db/webhooks";
import type { WebhookMessage } from "../../webhooks/delivery";
import { changedEvent, matches, type RunInfo, runEventId } from "../../webhooks/events";

/** What it did. */
export type NotifyOutput = { changed: number; events: number; enqueued: number };

/** Queues accept at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

/** Notifies subscribers of a run's signal changes. */
export async function notifySubscribers(
	env: { DB: D1Database; WEBHOOKS: Queue<WebhookMessage> },
	run: RunInfo,
): Promise<NotifyOutput> {
	const changes = await listSignalChanges(env.DB, run.run_id);
	let events = 0;
	if (changes.length > 0) {
		const now = new Date();
		const statements: D1PreparedStatement[] = [];
		for (const sub of await listActiveSubscriptions(env.DB)) {
			const cards = changes.filter((c) => matches(sub, c));
			if (cards.length === 0) continue;
			events++;
			statements.push(
				insertDelivery(env.DB, {
					id: await runEventId(run.run_id, sub.id),
					subscription_id: sub.id,
					run_id: run.run_id,
					type: "signals.changed",
					body: changedEvent(sub.id, run, cards, now),
					created_at: now.toISOString(),
				}),
			);
		}
		await runBatched(env.DB, statements);
	}
	const pending = await unenqueuedDeliveries(env.DB);
	for (let i = 0; i < pending.length; i += SEND_BATCH) {
		const ids = pending.slice(i, i + SEND_BATCH);
		await env.WEBHOOKS.sendBatch(ids.map((id) => ({ body: { delivery_id: id } })));
		await markEnqueued(env.DB, ids, new Date().toISOString()).run();
	}
	return { changed: changes.length, events, enqueued: pending.length };
}
