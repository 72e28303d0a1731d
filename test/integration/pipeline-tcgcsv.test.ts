import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CataloguePage, History } from "../../src/api/schemas/cards";
import { RunDetail } from "../../src/api/schemas/runs";
import { getConfig } from "../../src/config";
import { getRun } from "../../src/db/runs";
import { getServingState } from "../../src/db/serving";
import { listSteps } from "../../src/db/steps";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { readDay } from "../../src/prices/history/day-store";
import { api, listAll, readJson } from "../helpers/api";
import { failFeed, feedDown, feedGroups, feedRequests, feedSeries, resetFeed, setFeedDay } from "../helpers/feed";
import { RUN_TIMEOUT, resetPipeline, runToEnd } from "../helpers/pipeline";

// The Worker's TCGCSV_BASE_URL is the feed host's default scope: only this file moves its day.
const NIGHTS = ["2026-11-01", "2026-11-02", "2026-11-03"];

/** Collects the feed's `day` as the nightly run does (the host serving that day). */
async function night(id: string, day: string, options: { expect?: "complete" | "errored"; force?: boolean } = {}) {
	await setFeedDay(day);
	await resetFeed();
	return runToEnd(id, { source: "tcgcsv", run_date: day, force: options.force ?? false }, { expect: options.expect });
}

const catalogue = async () => listAll("/v1/cards?limit=100", CataloguePage);
const historyOf = async (cardId: string) => readJson(await api(`/v1/cards/${cardId}/history`), History);
const priceRequests = async () => (await feedRequests()).filter((r) => r.path.endsWith("/prices"));

describe("the tcgcsv source: the whole market, night by night, into the history", () => {
	beforeAll(async () => {
		await resetPipeline();
		await feedDown(false);
	});

	it(
		"replays nights by date into a history that grows, and serves every priced series with its history",
		async () => {
			for (const [k, day] of NIGHTS.entries()) {
				await using run = await night(`feed-night-${k}`, day);
				expect(["complete", "rejected"]).toContain((run.output as { status: string }).status);
			}
			const stored = await env.DB.prepare("SELECT date FROM history_days WHERE source = 'tcgcsv' ORDER BY date").all();
			expect(stored.results.map((r) => r.date)).toEqual(NIGHTS);
			// Every series the feed priced on any of the nights is served (one null on the last night keeps
			// its earlier price), at its latest price, under its product and printing.
			// One at a time: the "expect" scope serves one day at once.
			const nights: Map<string, number>[] = [];
			for (const d of NIGHTS) nights.push(await feedSeries(d));
			const latest = new Map<string, number>();
			for (const prices of nights) for (const [card, price] of prices) latest.set(card, price);
			const served = await catalogue();
			expect(served.map((c) => c.card_id).sort()).toEqual([...latest.keys()].sort());
			for (const card of served) {
				expect(card.latest_market_price).toBe(latest.get(card.card_id));
				expect(card.card_id).toBe(
					`tcgp-${card.tcgplayer_product_id}-${card.printing?.toLowerCase().replaceAll(" ", "-")}`,
				);
				expect(card.tcgplayer_url).toMatch(/^https:\/\//);
				expect(["en", "ja"]).toContain(card.language);
			}
			expect(served.some((c) => c.kind === "sealed")).toBe(true);
			expect(served.filter((c) => c.kind === "card").every((c) => c.number !== null && c.rarity !== null)).toBe(true);
			// A card priced every night has three points, each the feed's price that night.
			const steady = served.find((c) => nights.every((n) => n.has(c.card_id))) as (typeof served)[number];
			const history = await historyOf(steady.card_id);
			expect(history.points.map((p) => [p.date, p.market_price])).toEqual(
				NIGHTS.map((d, k) => [d, nights[k]?.get(steady.card_id)]),
			);
			expect(history).toMatchObject({ tcgplayer_product_id: steady.tcgplayer_product_id, printing: steady.printing });
			// Sealed products are served, and answer HOLD saying why (SIGNAL_SEALED is false).
			const sealed = served.find((c) => c.kind === "sealed");
			expect(sealed).toMatchObject({ latest_signal: "HOLD", reason: expect.stringMatching(/sealed product/) });
			// Every request named the application, as the feed's maintainer asks.
			const steps = (await listSteps(env.DB, "feed-night-2")).map((s) => s.name);
			expect(steps.slice(0, 4)).toEqual([
				STEP.start,
				STEP.feedCheck,
				shardStep(STEP.feedCollect, 0),
				shardStep(STEP.feedCollect, 1),
			]);
			expect(steps).toContain(STEP.commitDay);
		},
		RUN_TIMEOUT * 2,
	);

	it(
		"asks every request with the application's User-Agent, fetches each price file once and products only when a group changed",
		async () => {
			await using run = await night("feed-night-3", "2026-11-04");
			expect(run.output).toMatchObject({ serving: expect.any(String) });
			const requests = await feedRequests();
			expect(requests.length).toBeGreaterThan(0);
			expect(requests.every((r) => r.userAgent === getConfig(env).TCGCSV_USER_AGENT)).toBe(true);
			const groups = await feedGroups("2026-11-04");
			const prices = requests.filter((r) => r.path.endsWith("/prices")).map((r) => r.path);
			expect(prices.sort()).toEqual(groups.map(([c, g]) => `/tcgplayer/${c}/${g}/prices`).sort());
			// Products were fetched on the first night; since then only for groups new or changed.
			const products = requests.filter((r) => r.path.endsWith("/products"));
			expect(products.length).toBeLessThan(groups.length);
		},
		RUN_TIMEOUT,
	);

	it("lists a new group's cards the night the feed first lists it, and keeps a card's id when its name is corrected", async () => {
		const fresh = await env.DB.prepare(
			"SELECT category_id, group_id, name FROM feed_groups WHERE first_seen > '2026-11-01' ORDER BY group_id",
		).all<{ category_id: number; group_id: number; name: string }>();
		expect(fresh.results.length).toBeGreaterThan(0);
		for (const g of fresh.results) {
			const cards = (await listAll(`/v1/cards?limit=100&set=${encodeURIComponent(g.name)}`, CataloguePage)).map(
				(c) => c.card_id,
			);
			expect(cards.length, g.name).toBeGreaterThan(0);
			const first = await env.DB.prepare("SELECT MIN(first_seen) AS d FROM catalogue WHERE set_name = ?")
				.bind(g.name)
				.first<{ d: string }>();
			const listed = await env.DB.prepare("SELECT first_seen FROM feed_groups WHERE group_id = ?")
				.bind(g.group_id)
				.first<{ first_seen: string }>();
			expect(first?.d).toBe(listed?.first_seen);
		}
		// A product renamed since it was first fetched: the same card ids, the new name served.
		const renamed = await env.DB.prepare(
			"SELECT product_id, name FROM feed_products WHERE updated_on > first_seen ORDER BY product_id LIMIT 1",
		).first<{ product_id: number; name: string }>();
		expect(renamed).not.toBeNull();
		const served = (await catalogue()).filter((c) => c.tcgplayer_product_id === renamed?.product_id);
		expect(served.length).toBeGreaterThan(0);
		for (const card of served) {
			expect(card.name).toBe(renamed?.name);
			expect(card.card_id.startsWith(`tcgp-${renamed?.product_id}-`)).toBe(true);
			expect((await historyOf(card.card_id)).points.length).toBeGreaterThan(1);
		}
	});

	it(
		"a group that fails all night leaves a one-day gap for its cards, and the run names it",
		async () => {
			const [category, group, name] = (await feedGroups("2026-11-05"))[1] as [number, number, string];
			const path = `/tcgplayer/${category}/${group}/prices`;
			await setFeedDay("2026-11-05");
			await resetFeed();
			await failFeed(path, 503);
			await using run = await runToEnd("feed-gap", { source: "tcgcsv", run_date: "2026-11-05" });
			expect(run.output).toMatchObject({ serving: expect.any(String) });
			const detail = await readJson(await api("/v1/runs/feed-gap"), RunDetail);
			expect(detail.collection.groups).toMatchObject({
				failed: 1,
				problems: [{ category_id: category, group_id: group, name, status: "failed", http_status: 503 }],
			});
			// The client's retries: TCGCSV_MAX_RETRIES (3) after the first attempt.
			expect(detail.collection.groups?.problems[0]?.attempts).toBe(4);
			const day = await readDay(env, "2026-11-05", "tcgcsv");
			const before = await readDay(env, "2026-11-04", "tcgcsv");
			const lost = (await feedSeries("2026-11-05")).size - day.size;
			expect(lost).toBeGreaterThan(0);
			// Its cards keep their earlier history and are still served (from the night before).
			const gapped = [...before.keys()].find((c) => !day.has(c)) as string;
			const history = await historyOf(gapped);
			expect(history.points.at(-1)?.date).toBe("2026-11-04");
			expect(history.points.length).toBeGreaterThanOrEqual(3);
		},
		RUN_TIMEOUT,
	);

	it(
		"a night collected again fetches only what is missing, then changes nothing",
		async () => {
			// The same day again (the feed still serves it): only the group that failed is asked.
			await resetFeed();
			await using again = await runToEnd("feed-gap-again", { source: "tcgcsv", run_date: "2026-11-05", force: true });
			expect(again.output).toMatchObject({ serving: expect.any(String) });
			expect((await priceRequests()).length).toBe(1);
			const filled = await readDay(env, "2026-11-05", "tcgcsv");
			expect(filled.size).toBe((await feedSeries("2026-11-05")).size);
			const version = await env.DB.prepare(
				"SELECT version FROM history_days WHERE date = '2026-11-05' AND source = 'tcgcsv'",
			).first();
			// A third time: nothing is fetched, and the day's version (its content) is the same.
			await resetFeed();
			await using third = await runToEnd("feed-gap-third", { source: "tcgcsv", run_date: "2026-11-05", force: true });
			expect(third.output).toMatchObject({ serving: expect.any(String) });
			expect(await priceRequests()).toEqual([]);
			expect(
				await env.DB.prepare(
					"SELECT version FROM history_days WHERE date = '2026-11-05' AND source = 'tcgcsv'",
				).first(),
			).toEqual(version);
			const commit = (await listSteps(env.DB, "feed-gap-third")).find((s) => s.name === STEP.commitDay);
			expect(commit?.outputs).toMatchObject({ changed: false });
		},
		RUN_TIMEOUT,
	);

	it(
		"refuses a night the feed has not published yet, and stores nothing for it",
		async () => {
			const serving = await getServingState(env.DB);
			await setFeedDay("2026-11-06", false);
			await resetFeed();
			await using run = await runToEnd(
				"feed-early",
				{ source: "tcgcsv", run_date: "2026-11-06" },
				{ expect: "errored" },
			);
			expect(run.error).not.toBeNull();
			expect((await getRun(env.DB, "feed-early"))?.reason).toMatch(
				/check feed failed: .*the feed has not published 2026-11-06 yet: its last update is .* \(the 2026-11-05 data\)/,
			);
			expect(await env.DB.prepare("SELECT 1 FROM history_days WHERE date = '2026-11-06'").first()).toBeNull();
			expect(await priceRequests()).toEqual([]);
			expect(await getServingState(env.DB)).toEqual(serving);
		},
		RUN_TIMEOUT,
	);

	it(
		"fails collection with the reason when the feed is down altogether, and publishes nothing new",
		async () => {
			const serving = await getServingState(env.DB);
			await setFeedDay("2026-11-06");
			await feedDown(true);
			try {
				await using run = await runToEnd(
					"feed-down",
					{ source: "tcgcsv", run_date: "2026-11-06" },
					{ expect: "errored" },
				);
				expect(run.error).not.toBeNull();
			} finally {
				await feedDown(false);
			}
			expect((await getRun(env.DB, "feed-down"))?.reason).toMatch(
				/the feed is down \(HTTP 503 .*\): nothing was collected for 2026-11-06/,
			);
			expect(await getServingState(env.DB)).toEqual(serving);
			expect(await env.DB.prepare("SELECT 1 FROM history_days WHERE date = '2026-11-06'").first()).toBeNull();
		},
		RUN_TIMEOUT,
	);
});
