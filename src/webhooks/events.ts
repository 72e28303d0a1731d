/**
 * The events subscribers receive: `signals.changed` (one per subscription per run, the cards
 * whose served signal the run changed that pass the subscription's filter) and `webhook.test`.
 * Pure: the notify step and the test route write what these return.
 */

import type { SignalChange, SubscriptionFilter } from "../db/webhooks";
import { sha256Hex } from "../lib/hash";

/** The most cards one event lists; the rest are counted in `total` (and `truncated` is true). */
export const MAX_EVENT_CARDS = 1000;

/** The model's probability of the move a signal bets on (p_up of a BUY, p_down of a SELL); null for HOLD or a rule. */
export const probabilityOf = (c: Pick<SignalChange, "signal" | "p_up" | "p_down">): number | null =>
	c.signal === "BUY" ? c.p_up : c.signal === "SELL" ? c.p_down : null;

/**
 * Whether a change is for this subscription: its card or set, a new signal it listens to, and
 * (with `min_probability`) a BUY or SELL whose probability is known and at least that; a HOLD
 * (an earlier signal ending) is not held to `min_probability`.
 */
export function matches(sub: SubscriptionFilter, change: SignalChange): boolean {
	if (sub.filter === "cards" && !sub.card_ids?.includes(change.card_id)) return false;
	if (sub.filter === "set" && sub.set_name !== change.set_name) return false;
	if (!sub.signals.includes(change.signal)) return false;
	if (sub.min_probability !== null && change.signal !== "HOLD") {
		const p = probabilityOf(change);
		if (p === null || p < sub.min_probability) return false;
	}
	return true;
}

/** One card of a `signals.changed` event. */
export const eventCard = (c: SignalChange) => ({
	card_id: c.card_id,
	name: c.name,
	set: c.set_name,
	previous_signal: c.previous_signal,
	signal: c.signal,
	date: c.latest_date,
	market_price: c.market_price,
	fair_price: c.fair_price,
	deviation_pct: c.deviation_pct,
	p_up: c.p_up,
	p_down: c.p_down,
	probability: probabilityOf(c),
	model_version: c.model_version,
});

/** The run an event is about. */
export type RunInfo = { run_id: string; run_date: string; data_as_of: string };

/** The JSON body of a `signals.changed` event. */
export function changedEvent(subscriptionId: string, run: RunInfo, cards: readonly SignalChange[], at: Date): string {
	return JSON.stringify({
		type: "signals.changed",
		timestamp: at.toISOString(),
		data: {
			subscription_id: subscriptionId,
			run_id: run.run_id,
			run_date: run.run_date,
			data_as_of: run.data_as_of,
			total: cards.length,
			truncated: cards.length > MAX_EVENT_CARDS,
			cards: cards.slice(0, MAX_EVENT_CARDS).map(eventCard),
		},
	});
}

/** The JSON body of a `webhook.test` event. */
export function testEvent(subscriptionId: string, at: Date): string {
	return JSON.stringify({
		type: "webhook.test",
		timestamp: at.toISOString(),
		data: { subscription_id: subscriptionId, message: "A test event from PokeWatch: your endpoint is reachable." },
	});
}

/** The event id of a run's event to a subscription: the same on every retry of the notify step. */
export async function runEventId(runId: string, subscriptionId: string): Promise<string> {
	return `msg_${(await sha256Hex(`${runId}\n${subscriptionId}`)).slice(0, 32)}`;
}

/** A fresh event id (test events). */
export function randomEventId(): string {
	return `msg_${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
