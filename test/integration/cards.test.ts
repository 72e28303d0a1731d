import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { CataloguePage } from "../../src/api/schemas/cards";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { resetModels, SAMPLE_CARD_IDS, sampleSeries, seedServing } from "../helpers/model";

let version: string;

beforeAll(async () => {
	await resetModels();
	version = (await seedServing()).version;
});

const page = async (query: string) => readJson(await api(`/v1/cards${query}`), CataloguePage);

describe("GET /v1/cards", () => {
	it("walks all 16 sample cards exactly once, in card_id order", async () => {
		const seen: string[] = [];
		const sizes: number[] = [];
		let cursor: string | null = null;
		for (let pages = 0; pages < 10; pages++) {
			const body: z.infer<typeof CataloguePage> = await page(
				`?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
			);
			expect(body.model_version).toBe(version);
			seen.push(...body.data.map((i) => i.card_id));
			sizes.push(body.data.length);
			cursor = body.next_cursor;
			if (cursor === null) break;
		}
		expect(cursor).toBeNull();
		expect(sizes).toEqual([5, 5, 5, 1]);
		expect(seen).toEqual([...SAMPLE_CARD_IDS]);
	});

	it("ends without a cursor when the last page is exactly full", async () => {
		const first = await page("?limit=8");
		expect(first.data).toHaveLength(8);
		expect(first.next_cursor).not.toBeNull();
		const second = await page(`?limit=8&cursor=${first.next_cursor}`);
		expect(second.data.map((i) => i.card_id)).toEqual(SAMPLE_CARD_IDS.slice(8));
		expect(second.next_cursor).toBeNull();
	});

	it("returns up to 50 cards by default", async () => {
		const body = await page("");
		expect(body.data).toHaveLength(16);
		expect(body.next_cursor).toBeNull();
	});

	it("gives each card its latest price, fair value and signal, as /v1/fair-price does", async () => {
		const body = await page("?limit=1");
		const [entry] = body.data;
		const cardId = SAMPLE_CARD_IDS[0];
		expect(entry?.card_id).toBe(cardId);
		expect(entry).toMatchObject({ name: "Gardevoir ex", set: "SV01: Scarlet & Violet Base Set" });
		const { dates, prices } = sampleSeries(cardId);
		expect(entry?.latest_date).toBe(dates.at(-1));
		expect(entry?.latest_market_price).toBe(prices.at(-1));
		const latest = await readJson(await postJson("/v1/fair-price", { card_id: cardId }), FairPrice);
		expect(entry).toMatchObject({
			latest_fair_price: latest.fair_price,
			latest_deviation_pct: latest.deviation_pct,
			latest_signal: latest.signal,
		});
	});

	it("accepts limits of 1 and 100", async () => {
		expect((await page("?limit=1")).data).toHaveLength(1);
		expect((await page("?limit=100")).data).toHaveLength(16);
	});

	it("refuses limits outside 1..100 with a 422 naming query.limit", async () => {
		for (const limit of ["0", "101", "-1", "2.5", "many"]) {
			const problem = await expectProblem(await api(`/v1/cards?limit=${limit}`), 422, "validation_failed");
			expect(locations(problem), limit).toEqual(["query.limit"]);
		}
	});

	it("refuses a cursor it did not issue", async () => {
		for (const cursor of ["not-base64!", btoa("UPPER CASE"), "%%%"]) {
			const problem = await expectProblem(
				await api(`/v1/cards?cursor=${encodeURIComponent(cursor)}`),
				422,
				"validation_failed",
			);
			expect(locations(problem), cursor).toEqual(["query.cursor"]);
		}
	});
});

describe("GET /v1/cards: search, filters and sorts on the server", () => {
	it("searches name words as prefixes (q), and each card says what it is", async () => {
		const body = await page("?q=chari");
		expect(body.data.map((c) => c.name).every((n) => /charizard/i.test(n))).toBe(true);
		expect(body.data.map((c) => c.card_id).sort()).toEqual([
			"sv03-223-charizard-ex",
			"sv03pt5-199-charizard-ex",
			"swsh09-154-charizard-v",
		]);
		expect((await page("?q=charizard%20ex")).data).toHaveLength(2);
		expect((await page("?q=zzzz")).data).toEqual([]);
		// The sample names no product or printing: those are null, and every sample card is a card.
		expect(body.data[0]).toMatchObject({ kind: "card", printing: null, tcgplayer_product_id: null, language: null });
	});

	it("filters by signal, kind and a price range, and sorts by price either way", async () => {
		const all = (await page("?limit=100")).data;
		const prices = all.map((c) => c.latest_market_price);
		const descending = (await page("?sort=-price&limit=100")).data.map((c) => c.latest_market_price);
		expect(descending).toEqual([...prices].sort((a, b) => b - a));
		const [low, high] = [Math.min(...prices), Math.max(...prices)];
		const mid = (low + high) / 2;
		const cheap = (await page(`?max_price=${mid}`)).data;
		expect(cheap.length).toBeGreaterThan(0);
		expect(cheap.every((c) => c.latest_market_price <= mid)).toBe(true);
		expect((await page("?kind=sealed")).data).toEqual([]);
		for (const signal of ["BUY", "SELL", "HOLD"] as const) {
			const only = (await page(`?signal=${signal}&limit=100`)).data;
			expect(only.every((c) => c.latest_signal === signal)).toBe(true);
			expect(only).toHaveLength(all.filter((c) => c.latest_signal === signal).length);
		}
	});

	it("pages a sorted list with its own cursor, and refuses that cursor under another sort", async () => {
		const walked: string[] = [];
		let cursor: string | null = null;
		for (let k = 0; k < 10; k++) {
			const body: z.infer<typeof CataloguePage> = await page(
				`?sort=-probability&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
			);
			walked.push(...body.data.map((c) => c.card_id));
			cursor = body.next_cursor;
			if (!cursor) break;
			const wrong = await expectProblem(await api(`/v1/cards?sort=price&cursor=${cursor}`), 422, "validation_failed");
			expect(locations(wrong)).toEqual(["query.cursor"]);
		}
		expect(walked).toEqual((await page("?sort=-probability&limit=100")).data.map((c) => c.card_id));
	});

	it("refuses a bad filter with a 422 naming it", async () => {
		const cases: [string, string][] = [
			["?q=%20--%20", "query.q"],
			["?sort=name", "query.sort"],
			["?kind=box", "query.kind"],
			["?min_price=-1", "query.min_price"],
			["?max_price=lots", "query.max_price"],
			["?min_price=10&max_price=5", "query.min_price"],
			["?language=english", "query.language"],
			["?signal=buy", "query.signal"],
		];
		for (const [query, location] of cases) {
			const problem = await expectProblem(await api(`/v1/cards${query}`), 422, "validation_failed");
			expect(locations(problem), query).toEqual([location]);
		}
	});
});
