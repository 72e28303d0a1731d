import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Api } from "../../scripts/lib/api-client";
import { type FeedHost, startFeedHost } from "../../scripts/lib/feed/feed-host";
import { SyntheticFeed } from "../../scripts/lib/feed/synthetic-feed";
import { replayFeedNights } from "../../scripts/lib/feed-replay";
import { localAdminApi } from "../../scripts/lib/local-admin";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker";
import { FeedDay } from "../../src/prices/tcgcsv/day-prices";

// The issue's "done when": a fresh Worker pointed at a local feed host, replayed for seven
// nights, serves every priced series of those nights with its history, each card naming its
// product and printing.
const NIGHTS = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07"];
const feed = new SyntheticFeed({ seed: 7 });
let host: FeedHost;
let worker: LocalWorker;
let api: Api;

/** What the feed priced on a night, read straight from the model. */
async function priced(day: string): Promise<Map<string, number>> {
	const d = new FeedDay();
	for (const category of [3, 85]) {
		const groups = JSON.parse((await feed.groups(category, day)) as string) as { results: { groupId: number }[] };
		for (const g of groups.results)
			d.add((await feed.prices(category, g.groupId, day)) as string, `${category}/${g.groupId}`);
	}
	return new Map(d.day.cards.map((c, i) => [c, d.day.prices[i] as number]));
}

type Card = {
	card_id: string;
	tcgplayer_product_id: number | null;
	printing: string | null;
	latest_market_price: number;
};

beforeAll(async () => {
	host = await startFeedHost({ feed, day: NIGHTS[0] as string });
	worker = await startLocalWorker({ vars: { TCGCSV_BASE_URL: host.url, TCGCSV_REQUEST_SPACING_MS: "0" } });
	api = await localAdminApi(worker, "feed replay test");
}, 120_000);

afterAll(async () => {
	await worker?.dispose();
	await host?.close();
});

describe("seven nights of a local feed host, replayed into a fresh Worker", () => {
	it("serves every priced series of those nights, with a history of every night it was priced", async () => {
		const runs = await replayFeedNights(api, host, NIGHTS, () => undefined);
		expect(runs.map((r) => r.status).every((s) => s === "complete" || s === "rejected")).toBe(true);
		const nights: Map<string, number>[] = [];
		for (const night of NIGHTS) nights.push(await priced(night));
		const latest = new Map<string, number>();
		for (const n of nights) for (const [card, price] of n) latest.set(card, price);
		const served: Card[] = [];
		let cursor: string | null = null;
		do {
			const page: { status: number; body: { data: Card[]; next_cursor: string | null } } = await api.request(
				"GET",
				`/v1/cards?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
			);
			served.push(...page.body.data);
			cursor = page.body.next_cursor;
		} while (cursor);
		expect(served.map((c) => c.card_id).sort()).toEqual([...latest.keys()].sort());
		for (const card of served) {
			expect(card.latest_market_price).toBe(latest.get(card.card_id));
			expect(card.tcgplayer_product_id).not.toBeNull();
			expect(card.printing).not.toBeNull();
		}
		const everyNight = served.filter((c) => nights.every((n) => n.has(c.card_id)));
		expect(everyNight.length).toBeGreaterThan(100);
		for (const card of everyNight.slice(0, 20)) {
			const history = await api.request<{ points: { date: string; market_price: number }[] }>(
				"GET",
				`/v1/cards/${card.card_id}/history`,
			);
			expect(history.body.points.map((p) => [p.date, p.market_price])).toEqual(
				NIGHTS.map((d, k) => [d, nights[k]?.get(card.card_id)]),
			);
		}
	}, 600_000);
});
