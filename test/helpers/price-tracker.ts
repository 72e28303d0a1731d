import { env } from "cloudflare:workers";
import { getConfig } from "../../src/config";
import type { TrackerOptions } from "../../src/prices/price-tracker/client";
import { cardUniverse, type UniverseCard } from "../../src/prices/price-tracker/universe";

/** The fake Price Tracker server's origin (its port comes from vitest's globalSetup). */
const origin = () => new URL(getConfig(env).PRICE_TRACKER_BASE_URL).origin;

/** Selects a named scenario (test/fixtures/price-tracker/scenarios.json) for an API key, resetting its counters. */
export async function useScenario(token: string, scenario: string): Promise<void> {
	const res = await fetch(`${origin()}/__control/scenario`, {
		method: "POST",
		body: JSON.stringify({ token, scenario }),
	});
	if (res.status !== 204) throw new Error(`scenario ${scenario}: ${res.status} ${await res.text()}`);
}

/** The query strings the server received for a key, in order. */
export async function requestsFor(token: string): Promise<string[]> {
	return (await fetch(`${origin()}/__control/requests?token=${encodeURIComponent(token)}`)).json();
}

/** Client options against the fake server for `token`: fast backoffs, short waits. */
export const trackerOptions = (token: string, overrides: Partial<TrackerOptions> = {}): TrackerOptions => ({
	baseUrl: getConfig(env).PRICE_TRACKER_BASE_URL,
	apiKey: token,
	days: 180,
	timeoutMs: 5000,
	maxRetries: 3,
	backoffMs: 5,
	maxWaitSeconds: 5,
	dailyReserve: 5,
	runDate: "2026-11-21",
	...overrides,
});

/** A card of the shipped universe by its TCGplayer id. */
export function universeCard(tcgplayerId: string): UniverseCard {
	const card = cardUniverse().find((c) => c.tcgplayer_id === tcgplayerId);
	if (!card) throw new Error(`no card ${tcgplayerId} in config/cards.json`);
	return card;
}
