/**
 * D1 queries on webhooks: `webhook_subscriptions` (per API key), `webhook_deliveries` (one per
 * event and subscription) and `signal_changes` (what each run changed, written by publishStaged).
 */
import type { Signal } from "../model/signal";

/** A card whose served signal a run changed, with the answer it published (a `signal_changes` row). */
export type SignalChange = {
	run_id: string;
	card_id: string;
	name: string;
	set_name: string;
	previous_signal: Signal | null;
	signal: Signal;
	latest_date: string;
	market_price: number;
	fair_price: number;
	deviation_pct: number | null;
	p_up: number | null;
	p_down: number | null;
	model_version: string;
};

/** What a subscription asks for. */
export type SubscriptionFilter = {
	filter: "cards" | "set" | "all";
	card_ids: readonly string[] | null;
	set_name: string | null;
	signals: readonly Signal[];
	min_probability: number | null;
};

/** A subscription as the API shows it (never its secret). */
export type Subscription = SubscriptionFilter & {
	id: string;
	key_id: string;
	url: string;
	status: "active" | "paused";
	paused_reason: string | null;
	paused_at: string | null;
	consecutive_failures: number;
	created_at: string;
	updated_at: string;
};

type SubscriptionRow = Omit<Subscription, "card_ids" | "signals"> & { card_ids: string | null; signals: string };

const SUB_COLUMNS = `id, key_id, url, filter, card_ids, set_name, signals, min_probability, status, paused_reason,
	paused_at, consecutive_failures, created_at, updated_at`;

const toSubscription = (r: SubscriptionRow): Subscription => ({
	...r,
	card_ids: r.card_ids === null ? null : (JSON.parse(r.card_ids) as string[]),
	signals: JSON.parse(r.signals) as Signal[],
});

/**
 * Stores a new subscription with its sealed secret, unless its key already holds `max`: false
 * then. One statement, so concurrent creations cannot pass the cap together.
 */
export async function insertSubscription(
	db: D1Database,
	s: Subscription,
	secretCipher: string,
	max: number,
): Promise<boolean> {
	const res = await db
		.prepare(
			`INSERT INTO webhook_subscriptions (${SUB_COLUMNS}, secret_cipher)
			 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15
			 WHERE (SELECT COUNT(*) FROM webhook_subscriptions WHERE key_id = ?2) < ?16`,
		)
		.bind(
			s.id,
			s.key_id,
			s.url,
			s.filter,
			s.card_ids === null ? null : JSON.stringify(s.card_ids),
			s.set_name,
			JSON.stringify(s.signals),
			s.min_probability,
			s.status,
			s.paused_reason,
			s.paused_at,
			s.consecutive_failures,
			s.created_at,
			s.updated_at,
			secretCipher,
			max,
		)
		.run();
	return res.meta.changes > 0;
}

/** A key's subscription, or null (also when it belongs to another key). */
export async function getSubscription(db: D1Database, id: string, keyId: string): Promise<Subscription | null> {
	const row = await db
		.prepare(`SELECT ${SUB_COLUMNS} FROM webhook_subscriptions WHERE id = ? AND key_id = ?`)
		.bind(id, keyId)
		.first<SubscriptionRow>();
	return row ? toSubscription(row) : null;
}

/** A subscription and its sealed secret, whoever owns it (the queue consumer). */
export async function getSubscriptionForDelivery(
	db: D1Database,
	id: string,
): Promise<(Subscription & { secret_cipher: string }) | null> {
	const row = await db
		.prepare(`SELECT ${SUB_COLUMNS}, secret_cipher FROM webhook_subscriptions WHERE id = ?`)
		.bind(id)
		.first<SubscriptionRow & { secret_cipher: string }>();
	return row ? { ...toSubscription(row), secret_cipher: row.secret_cipher } : null;
}

/** A key's subscriptions, oldest first, strictly after the (created_at, id) cursor. */
export async function listSubscriptions(
	db: D1Database,
	keyId: string,
	limit: number,
	after?: { created_at: string; id: string },
): Promise<Subscription[]> {
	const { results } = await db
		.prepare(
			`SELECT ${SUB_COLUMNS} FROM webhook_subscriptions
			 WHERE key_id = ?1 AND (created_at > ?2 OR (created_at = ?2 AND id > ?3))
			 ORDER BY created_at, id LIMIT ?4`,
		)
		.bind(keyId, after?.created_at ?? "", after?.id ?? "", limit)
		.all<SubscriptionRow>();
	return results.map(toSubscription);
}

/** Every active subscription (the notify step matches each run's changes against them). */
export async function listActiveSubscriptions(db: D1Database): Promise<Subscription[]> {
	const { results } = await db
		.prepare(`SELECT ${SUB_COLUMNS} FROM webhook_subscriptions WHERE status = 'active' ORDER BY id`)
		.all<SubscriptionRow>();
	return results.map(toSubscription);
}

/** Deletes a key's subscription and its delivery log; false when it had none by that id. */
export async function deleteSubscription(db: D1Database, id: string, keyId: string): Promise<boolean> {
	const [, subs] = await db.batch([
		db
			.prepare(
				`DELETE FROM webhook_deliveries WHERE subscription_id = ?1
				 AND EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = ?1 AND key_id = ?2)`,
			)
			.bind(id, keyId),
		db.prepare("DELETE FROM webhook_subscriptions WHERE id = ? AND key_id = ?").bind(id, keyId),
	]);
	return (subs?.meta.changes ?? 0) > 0;
}

/** Makes a paused subscription active again (its failure count back to 0); false when the key has none by that id. */
export async function resumeSubscription(db: D1Database, id: string, keyId: string, at: string): Promise<boolean> {
	const res = await db
		.prepare(
			`UPDATE webhook_subscriptions SET status = 'active', paused_reason = NULL, paused_at = NULL,
			   consecutive_failures = 0, updated_at = ?3
			 WHERE id = ?1 AND key_id = ?2`,
		)
		.bind(id, keyId, at)
		.run();
	return res.meta.changes > 0;
}

/** The cards whose served signal a run changed. */
export async function listSignalChanges(db: D1Database, runId: string): Promise<SignalChange[]> {
	const { results } = await db
		.prepare(
			`SELECT run_id, card_id, name, set_name, previous_signal, signal, latest_date, market_price, fair_price,
			   deviation_pct, p_up, p_down, model_version
			 FROM signal_changes WHERE run_id = ? ORDER BY card_id`,
		)
		.bind(runId)
		.all<SignalChange>();
	return results;
}

/** Which of `ids` serving does not know. */
export async function unservedCards(db: D1Database, ids: readonly string[]): Promise<string[]> {
	const { results } = await db
		.prepare("SELECT card_id FROM serving_cards WHERE card_id IN (SELECT value FROM json_each(?))")
		.bind(JSON.stringify(ids))
		.all<{ card_id: string }>();
	const known = new Set(results.map((r) => r.card_id));
	return ids.filter((id) => !known.has(id));
}

/** Whether serving has a card of this set. */
export async function isServedSet(db: D1Database, set: string): Promise<boolean> {
	return (await db.prepare("SELECT 1 AS x FROM serving_cards WHERE set_name = ? LIMIT 1").bind(set).first()) !== null;
}
