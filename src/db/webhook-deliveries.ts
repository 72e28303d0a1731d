/** D1 queries on `webhook_deliveries`: one row per event and subscription, its attempts and outcome. */

/** A delivery as the API shows it (the body is what was signed and sent). */
export type Delivery = {
	id: string;
	subscription_id: string;
	run_id: string | null;
	type: string;
	status: "pending" | "retrying" | "delivered" | "failed" | "cancelled";
	attempts: number;
	last_status: number | null;
	last_error: string | null;
	created_at: string;
	enqueued_at: string | null;
	last_attempt_at: string | null;
	delivered_at: string | null;
	failed_at: string | null;
};

/** A delivery still to be attempted. */
export type NewDelivery = Pick<Delivery, "id" | "subscription_id" | "run_id" | "type" | "created_at"> & {
	body: string;
};

const COLUMNS = `id, subscription_id, run_id, type, status, attempts, last_status, last_error, created_at, enqueued_at,
	last_attempt_at, delivered_at, failed_at`;

/** The statuses after which nothing more happens to a delivery. */
const SETTLED = "('delivered', 'failed', 'cancelled')";

/** Statement adding a delivery unless one with its id or its (run, subscription) exists. */
export function insertDelivery(db: D1Database, d: NewDelivery): D1PreparedStatement {
	return db
		.prepare(
			`INSERT OR IGNORE INTO webhook_deliveries (id, subscription_id, run_id, type, status, body, created_at)
			 VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
		)
		.bind(d.id, d.subscription_id, d.run_id, d.type, d.body, d.created_at);
}

/** Ids of run deliveries not yet handed to the queue (this run's, and any an earlier notify stored but did not send). */
export async function unenqueuedDeliveries(db: D1Database): Promise<string[]> {
	const { results } = await db
		.prepare(
			"SELECT id FROM webhook_deliveries WHERE run_id IS NOT NULL AND enqueued_at IS NULL AND status = 'pending' ORDER BY id",
		)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}

/** Statement noting that deliveries were handed to the queue. */
export function markEnqueued(db: D1Database, ids: readonly string[], at: string): D1PreparedStatement {
	return db
		.prepare(`UPDATE webhook_deliveries SET enqueued_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))`)
		.bind(at, JSON.stringify(ids));
}

/** A delivery with its body, or null. */
export async function getDelivery(db: D1Database, id: string): Promise<(Delivery & { body: string }) | null> {
	return db
		.prepare(`SELECT ${COLUMNS}, body FROM webhook_deliveries WHERE id = ?`)
		.bind(id)
		.first<Delivery & { body: string }>();
}

/** A subscription's deliveries, newest first, strictly after the (created_at, id) cursor. */
export async function listDeliveries(
	db: D1Database,
	subscriptionId: string,
	limit: number,
	after?: { created_at: string; id: string },
): Promise<Delivery[]> {
	const { results } = await db
		.prepare(
			`SELECT ${COLUMNS} FROM webhook_deliveries
			 WHERE subscription_id = ?1 AND (?2 = '' OR created_at < ?2 OR (created_at = ?2 AND id < ?3))
			 ORDER BY created_at DESC, id DESC LIMIT ?4`,
		)
		.bind(subscriptionId, after?.created_at ?? "", after?.id ?? "", limit)
		.all<Delivery>();
	return results;
}

/** One attempt's outcome. */
export type Attempt = { at: string; status: number | null; error: string | null; delivered: boolean };

/**
 * Records an attempt: delivered (and the subscription's failure streak back to 0), or
 * `retrying`. Inert on a settled delivery.
 */
export async function recordAttempt(db: D1Database, id: string, subscriptionId: string, a: Attempt): Promise<void> {
	const statements = [
		db
			.prepare(
				`UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?2, last_error = ?3,
				   last_attempt_at = ?4, status = ?5, delivered_at = CASE WHEN ?5 = 'delivered' THEN ?4 END
				 WHERE id = ?1 AND status NOT IN ${SETTLED}`,
			)
			.bind(id, a.status, a.error, a.at, a.delivered ? "delivered" : "retrying"),
	];
	if (a.delivered)
		statements.push(
			db.prepare("UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = ?").bind(subscriptionId),
		);
	await db.batch(statements);
}

/** Settles a delivery that will not be attempted (its subscription is paused or gone). */
export async function cancelDelivery(db: D1Database, id: string, reason: string): Promise<void> {
	await db
		.prepare(
			`UPDATE webhook_deliveries SET status = 'cancelled', last_error = ?2 WHERE id = ?1 AND status NOT IN ${SETTLED}`,
		)
		.bind(id, reason)
		.run();
}

/**
 * Marks a delivery failed (its retries are spent; the dead-letter consumer calls this) and adds
 * one to its subscription's failure streak, pausing the subscription when the streak reaches
 * `pauseAfter`. One transaction; a repeat for the same delivery changes nothing.
 */
export async function failDelivery(db: D1Database, id: string, at: string, pauseAfter: number): Promise<void> {
	// The streak moves only when this call is the one that failed the delivery (failed_at = ?2).
	const failedNow = "EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?1 AND failed_at = ?2)";
	await db.batch([
		db
			.prepare(
				`UPDATE webhook_deliveries SET status = 'failed', failed_at = ?2 WHERE id = ?1 AND status NOT IN ${SETTLED}`,
			)
			.bind(id, at),
		db
			.prepare(
				`UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1, updated_at = ?2,
				   status = CASE WHEN consecutive_failures + 1 >= ?3 THEN 'paused' ELSE status END,
				   paused_at = CASE WHEN consecutive_failures + 1 >= ?3 AND status = 'active' THEN ?2 ELSE paused_at END,
				   paused_reason = CASE WHEN consecutive_failures + 1 >= ?3 AND status = 'active'
				     THEN (consecutive_failures + 1) || ' deliveries in a row failed; the last: '
				       || COALESCE((SELECT COALESCE(last_error, 'HTTP ' || last_status) FROM webhook_deliveries WHERE id = ?1), 'no answer')
				     ELSE paused_reason END
				 WHERE id = (SELECT subscription_id FROM webhook_deliveries WHERE id = ?1) AND ${failedNow}`,
			)
			.bind(id, at, pauseAfter),
	]);
}
