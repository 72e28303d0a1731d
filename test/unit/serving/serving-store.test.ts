import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { publishStaged, type ServingCard, setServingState, stageServingCards } from "../../../src/db/serving";
import { utf8Length } from "../../../src/prices/imports";
import { type HistoryLine, ServingStore } from "../../../src/serving/serving-store";
import { resetModels } from "../../helpers/model";
import { servingCard } from "../../helpers/serving";

const stores = { DB: env.DB, ARCHIVE: env.ARCHIVE };

const state = (run_id: string, data_as_of = "2026-05-10") => ({
	run_id,
	run_date: data_as_of,
	data_as_of,
	model_version: "v-1",
	published_at: `${data_as_of}T04:00:00.000Z`,
});

function card(card_id: string, overrides: Partial<ServingCard> = {}): ServingCard {
	return servingCard(card_id, overrides.run_id ?? "run-1", {
		reason: null,
		run_date: "2026-05-10",
		byte_length: 1,
		...overrides,
	});
}

async function serve(...cards: ServingCard[]) {
	await env.DB.batch(stageServingCards(env.DB, cards));
	for (const run of new Set(cards.map((c) => c.run_id))) await env.DB.batch(publishStaged(env.DB, run));
}

/** The store's clock, moved by hand (Date.now is what the memo reads). */
let clock = Date.parse("2026-05-10T05:00:00.000Z");

beforeEach(async () => {
	await resetModels();
	clock = Date.parse("2026-05-10T05:00:00.000Z");
	vi.spyOn(Date, "now").mockImplementation(() => clock);
});

afterEach(() => {
	vi.restoreAllMocks();
});

describe("ServingStore.state", () => {
	it("re-reads what serves only once MODEL_REFRESH_SECONDS have passed", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		await setServingState(env.DB, state("run-1", "2026-05-09")).run();
		expect((await store.state(stores))?.run_id).toBe("run-1");
		await setServingState(env.DB, state("run-2")).run();
		clock += 29_000;
		expect((await store.state(stores))?.run_id).toBe("run-1");
		clock += 2_000;
		expect((await store.state(stores))?.run_id).toBe("run-2");
	});

	it("trusts 'nothing published' for a second at most, whatever the refresh interval", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		expect(await store.state(stores)).toBeNull();
		await setServingState(env.DB, state("run-1")).run();
		clock += 500;
		expect(await store.state(stores)).toBeNull();
		clock += 600;
		expect((await store.state(stores))?.run_id).toBe("run-1");
	});

	it("reads every time with a refresh interval of zero", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 0, CARD_MEMO_ENTRIES: 16 });
		expect(await store.state(stores)).toBeNull();
		await setServingState(env.DB, state("run-1")).run();
		expect((await store.state(stores))?.epoch).toBe("run-1");
		await setServingState(env.DB, state("run-2", "2026-05-08")).run();
		// An older night moves only the epoch.
		expect(await store.state(stores)).toMatchObject({ run_id: "run-1", epoch: "run-2" });
	});

	it("shares one read between concurrent callers", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		await setServingState(env.DB, state("run-1")).run();
		const [a, b] = await Promise.all([store.state(stores), store.state(stores)]);
		expect(a).toBe(b);
		expect(a?.run_id).toBe("run-1");
	});
});

describe("ServingStore.card", () => {
	it("remembers a card per publishing run, so a new epoch reads it afresh", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		await serve(card("c-a", { market_price: 10 }));
		expect(store.hasCard("run-1", "c-a")).toBe(false);
		expect((await store.card(stores, "run-1", "c-a"))?.market_price).toBe(10);
		expect(store.hasCard("run-1", "c-a")).toBe(true);
		await serve(card("c-a", { market_price: 12, run_id: "run-2", latest_date: "2026-05-11", run_date: "2026-05-11" }));
		expect((await store.card(stores, "run-1", "c-a"))?.market_price).toBe(10);
		expect((await store.card(stores, "run-2", "c-a"))?.market_price).toBe(12);
	});

	it("remembers an unknown card as null until the next epoch", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		expect(await store.card(stores, "run-1", "c-new")).toBeNull();
		expect(store.hasCard("run-1", "c-new")).toBe(true);
		await serve(card("c-new", { run_id: "run-2" }));
		expect(await store.card(stores, "run-1", "c-new")).toBeNull();
		expect((await store.card(stores, "run-2", "c-new"))?.run_id).toBe("run-2");
	});

	it("holds at most CARD_MEMO_ENTRIES cards, dropping the least recently used", async () => {
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 2 });
		await serve(card("c-a"), card("c-b"), card("c-c"));
		await store.card(stores, "run-1", "c-a");
		await store.card(stores, "run-1", "c-b");
		await store.card(stores, "run-1", "c-a");
		await store.card(stores, "run-1", "c-c");
		expect([store.hasCard("run-1", "c-a"), store.hasCard("run-1", "c-b"), store.hasCard("run-1", "c-c")]).toEqual([
			true,
			false,
			true,
		]);
	});
});

describe("ServingStore.history", () => {
	const line = (card_id: string, prices: number[]): HistoryLine => ({
		card_id,
		name: `Pokémon ${card_id} ★`,
		set: "Test Set",
		model_version: "v-1",
		min_price: 1,
		horizon_days: 7,
		move: 0.05,
		dates: prices.map((_, i) => `2026-05-0${i + 1}`),
		prices,
		fair: prices.map((p) => p + 1),
		p_up: null,
		p_down: null,
		codes: "H".repeat(prices.length),
	});

	it("reads one card's line of the run's NDJSON object by its byte range", async () => {
		// The first line has characters of two and three bytes: the offset is in bytes, not characters.
		const first = JSON.stringify(line("c-a", [1, 2]));
		const second = JSON.stringify(line("c-b", [3, 4, 5]));
		const key = "test/serving-store/run=run-1/part-0000.ndjson";
		await env.ARCHIVE.put(key, `${first}\n${second}\n`);
		const row = card("c-b", { object_key: key, byte_offset: utf8Length(first) + 1, byte_length: utf8Length(second) });
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		// Parsing the whole object (two JSON values) would throw: only the range was read.
		expect(await store.history(stores, row)).toEqual(line("c-b", [3, 4, 5]));
		// Remembered: the object is not read again.
		await env.ARCHIVE.delete(key);
		expect(await store.history(stores, row)).toEqual(line("c-b", [3, 4, 5]));
		expect(
			await new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 }).history(stores, row),
		).toBeNull();
	});

	it("does not remember a failed read", async () => {
		const key = "test/serving-store/broken.ndjson";
		await env.ARCHIVE.put(key, "not json\n");
		const row = card("c-x", { object_key: key, byte_offset: 0, byte_length: 8 });
		const store = new ServingStore({ MODEL_REFRESH_SECONDS: 30, CARD_MEMO_ENTRIES: 16 });
		await expect(store.history(stores, row)).rejects.toThrow(SyntaxError);
		const fixed = JSON.stringify(line("c-x", [1]));
		await env.ARCHIVE.put(key, fixed);
		expect(await store.history(stores, { ...row, byte_length: utf8Length(fixed) })).toEqual(line("c-x", [1]));
		// Same object and offset: the key of the memo. The earlier failure was forgotten.
		expect(await store.history(stores, row)).toEqual(line("c-x", [1]));
	});
});
