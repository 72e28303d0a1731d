import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../../src/config";
import { pipelineKeys } from "../../../src/lib/artifact-keys";
import { cardUniverse } from "../../../src/lib/card-universe";
import {
	CsvSource,
	cardsPerShard,
	LiveSource,
	openSource,
	SourceError,
	shardRanges,
} from "../../../src/lib/price-sources";
import { cardRows } from "../../helpers/model";
import { toCsv } from "../../helpers/pipeline";
import { trackerOptions, useScenario } from "../../helpers/price-tracker";

const ROWS = [
	...cardRows("src-c", [1, 2, 3], { start: "2026-04-01" }),
	...cardRows("src-a", [4, 5, 6], { start: "2026-04-01" }),
	...cardRows("src-b", [7, 8], { start: "2026-04-03" }),
];

describe("shardRanges", () => {
	it("splits ordered card ids into ranges of at most the shard size", () => {
		expect(shardRanges(["a", "b", "c", "d", "e"], 2)).toEqual([
			{ index: 0, first: "a", last: "b", cards: 2 },
			{ index: 1, first: "c", last: "d", cards: 2 },
			{ index: 2, first: "e", last: "e", cards: 1 },
		]);
	});
});

describe("shardRanges with a row budget", () => {
	it("cuts a shard early when the next card's rows would pass the budget, never splitting a card", () => {
		const rows: Record<string, number> = { a: 40, b: 40, c: 30, d: 100, e: 5 };
		expect(shardRanges(["a", "b", "c", "d", "e"], 10, (id) => rows[id] ?? 0, 80)).toEqual([
			{ index: 0, first: "a", last: "b", cards: 2 },
			{ index: 1, first: "c", last: "c", cards: 1 },
			{ index: 2, first: "d", last: "d", cards: 1 },
			{ index: 3, first: "e", last: "e", cards: 1 },
		]);
	});

	it("gives sources with a known history length fewer cards per shard", () => {
		expect(cardsPerShard(250, 60_000, 180)).toBe(250);
		expect(cardsPerShard(250, 60_000, 365)).toBe(164);
		expect(cardsPerShard(250, 10, 3650)).toBe(1);
	});

	it("applies to an uploaded file by each card's rows", async () => {
		await env.ARCHIVE.put("test/sources/budget.csv", toCsv(ROWS));
		const plan = await new CsvSource(env.ARCHIVE, "test/sources/budget.csv", "file", "2026-04-03").plan(10, 5);
		// src-a and src-b (3 + 2 rows) fit in five; src-c (3 rows) starts the next shard.
		expect(plan.shards).toEqual([
			{ index: 0, first: "src-a", last: "src-b", cards: 2 },
			{ index: 1, first: "src-c", last: "src-c", cards: 1 },
		]);
	});
});

describe("CsvSource (sample and file:)", () => {
	it("replays the file as of the run date, shard by shard", async () => {
		await env.ARCHIVE.put("test/sources/a.csv", toCsv(ROWS));
		const source = new CsvSource(env.ARCHIVE, "test/sources/a.csv", "file", "2026-04-02");
		const plan = await source.plan(2);
		// src-b's first price is after the run date: it is not in the replay at all.
		expect(plan.cards).toBe(2);
		expect(plan.shards).toEqual([{ index: 0, first: "src-a", last: "src-c", cards: 2 }]);
		expect(plan.input?.key).toBe("test/sources/a.csv");
		const { rows } = await source.collect(plan.shards[0] as never, { dailyRemaining: null, stopped: null });
		expect(rows.map((r) => `${r.card_id}@${r.date}`).sort()).toEqual(
			["src-a@2026-04-01", "src-a@2026-04-02", "src-c@2026-04-01", "src-c@2026-04-02"].sort(),
		);
	});

	it("collects only the cards of its shard", async () => {
		await env.ARCHIVE.put("test/sources/b.csv", toCsv(ROWS));
		const source = new CsvSource(env.ARCHIVE, "test/sources/b.csv", "file", "2026-12-31");
		const plan = await source.plan(1);
		expect(plan.shards.map((s) => s.first)).toEqual(["src-a", "src-b", "src-c"]);
		const { rows } = await source.collect(plan.shards[1] as never, { dailyRemaining: null, stopped: null });
		expect(new Set(rows.map((r) => r.card_id))).toEqual(new Set(["src-b"]));
	});

	it("refuses a missing file, or one with no prices by the run date", async () => {
		await expect(
			new CsvSource(env.ARCHIVE, "test/sources/none.csv", "sample", "2026-01-01").plan(5),
		).rejects.toBeInstanceOf(SourceError);
		await env.ARCHIVE.put("test/sources/late.csv", toCsv(ROWS));
		await expect(new CsvSource(env.ARCHIVE, "test/sources/late.csv", "file", "2020-01-01").plan(5)).rejects.toThrow(
			/no prices on or before 2020-01-01/,
		);
	});
});

describe("LiveSource", () => {
	it("shards the card universe and collects a shard from the API", async () => {
		const token = "ppt_test_unit_source";
		await useScenario(token, "happy");
		const source = new LiveSource(trackerOptions(token));
		const plan = await source.plan(4);
		expect(plan).toMatchObject({ input: null, cards: 10 });
		expect(plan.shards.map((s) => s.cards)).toEqual([4, 4, 2]);
		const collected = await source.collect(plan.shards[2] as never, { dailyRemaining: null, stopped: null });
		expect(collected.outcomes.map((o) => o.card_id)).toEqual(
			cardUniverse()
				.slice(8)
				.map((c) => c.card_id),
		);
		expect(collected.outcomes.every((o) => o.status === "ok")).toBe(true);
	});
});

describe("openSource", () => {
	const config = getConfig(env);

	it("opens the sample, an uploaded file and the live API", () => {
		expect(openSource(env, config, "sample", "2026-01-01")).toBeInstanceOf(CsvSource);
		expect(openSource(env, config, `file:${"a".repeat(64)}`, "2026-01-01")).toBeInstanceOf(CsvSource);
		expect(openSource(env, config, "live", "2026-01-01")).toBeInstanceOf(LiveSource);
		expect(pipelineKeys.upload("f".repeat(64))).toBe(`imports/sha256=${"f".repeat(64)}.csv`);
	});

	it("refuses the live source without an API key, and an unknown source", () => {
		expect(() => openSource(env, { ...config, PRICE_TRACKER_API_KEY: undefined }, "live", "2026-01-01")).toThrow(
			/PRICE_TRACKER_API_KEY/,
		);
		expect(() => openSource(env, config, "ftp", "2026-01-01")).toThrow(SourceError);
	});
});
