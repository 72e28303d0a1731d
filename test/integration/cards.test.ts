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
