import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../../src/config";
import { upsertCatalogue } from "../../../src/db/catalogue";
import { listHistoryDays } from "../../../src/db/history";
import { sha256Hex } from "../../../src/lib/hash";
import type { PriceRow } from "../../../src/model/card-series";
import { writeDay } from "../../../src/prices/history/day-store";
import { chunkMetadata, chunksOf, type ImportManifest, manifestOf, validateChunk } from "../../../src/prices/imports";
import { priceKeys } from "../../../src/prices/keys";
import {
	CsvSource,
	cardsPerShard,
	HistorySource,
	ImportSource,
	openSource,
	SourceError,
	shardRanges,
} from "../../../src/prices/sources";
import { cardRows } from "../../helpers/model";
import { resetPipeline, toCsv } from "../../helpers/pipeline";

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

/** Stores an import whose chunks hold `groups` (each group one chunk, in card order), as the API does. */
async function storeImport(groups: readonly PriceRow[][]): Promise<{ manifest: ImportManifest; text: string }> {
	const infos = [];
	for (const rows of groups) {
		const [chunk, more] = chunksOf(rows);
		expect(more).toBeUndefined();
		const { info } = await validateChunk(chunk as string);
		await env.ARCHIVE.put(priceKeys.chunk(info.sha256), chunk as string, { customMetadata: chunkMetadata(info) });
		infos.push(info);
	}
	const manifest = await manifestOf(infos);
	const text = JSON.stringify(manifest);
	await env.ARCHIVE.put(priceKeys.manifest(manifest.id), text);
	return { manifest, text };
}

const NONE = { dailyRemaining: null, stopped: null };
const cells = (rows: readonly PriceRow[]) => rows.map((r) => `${r.card_id}@${r.date}`);

describe("ImportSource (file:)", () => {
	// Four chunks: A (5 rows), B (4), C (3) and D, whose prices all come after 2026-04-05.
	const GROUPS = [
		[...cardRows("imp-a", [1, 2, 3], { start: "2026-04-01" }), ...cardRows("imp-b", [4, 5], { start: "2026-04-03" })],
		cardRows("imp-c", [6, 7, 8, 9], { start: "2026-04-01" }),
		[...cardRows("imp-d", [1, 2], { start: "2026-04-02" }), ...cardRows("imp-e", [3], { start: "2026-04-04" })],
		cardRows("imp-f", [1, 2, 3, 4, 5], { start: "2026-04-10" }),
	];

	it("plans shards of whole chunks within the row budget, skipping chunks after the run date", async () => {
		const { manifest, text } = await storeImport(GROUPS);
		const [a, b, c] = manifest.chunks.map((chunk) => chunk.sha256);
		const plan = await new ImportSource(env.ARCHIVE, manifest.id, "2026-04-05").plan(250, 8);
		// A and B (5 + 4 rows) would pass 8: A alone, then B and C (4 + 3).
		expect(plan).toEqual({
			input: { key: priceKeys.manifest(manifest.id), sha256: await sha256Hex(text) },
			cards: 5,
			shards: [
				{ index: 0, first: "imp-a", last: "imp-b", cards: 2, chunks: [a] },
				{ index: 1, first: "imp-c", last: "imp-e", cards: 3, chunks: [b, c] },
			],
		});
		// A chunk larger than the budget is a shard alone; without a budget, one shard holds them all.
		const tight = await new ImportSource(env.ARCHIVE, manifest.id, "2026-04-05").plan(250, 4);
		expect(tight.shards.map((s) => s.chunks)).toEqual([[a], [b], [c]]);
		const loose = await new ImportSource(env.ARCHIVE, manifest.id, "2026-04-05").plan(250);
		expect(loose.shards.map((s) => s.chunks)).toEqual([[a, b, c]]);
		const later = await new ImportSource(env.ARCHIVE, manifest.id, "2026-04-10").plan(250);
		expect(later.cards).toBe(6);
	});

	it("collects a shard's rows dated on or before the run date", async () => {
		const { manifest } = await storeImport(GROUPS);
		const source = new ImportSource(env.ARCHIVE, manifest.id, "2026-04-03");
		const plan = await source.plan(250, 8);
		const first = await source.collect(plan.shards[0] as never, NONE);
		expect(first).toEqual({ rows: expect.any(Array), outcomes: [], dailyRemaining: null, stopped: null });
		expect(cells(first.rows)).toEqual(["imp-a@2026-04-01", "imp-a@2026-04-02", "imp-a@2026-04-03", "imp-b@2026-04-03"]);
		expect(first.rows[0]).toEqual(GROUPS[0]?.[0]);
		const second = await source.collect(plan.shards[1] as never, NONE);
		expect(cells(second.rows)).toEqual([
			"imp-c@2026-04-01",
			"imp-c@2026-04-02",
			"imp-c@2026-04-03",
			"imp-d@2026-04-02",
			"imp-d@2026-04-03",
		]);
	});

	it("reads only its own shard's chunks", async () => {
		const { manifest } = await storeImport([
			cardRows("own-a", [1, 2], { start: "2026-04-01" }),
			cardRows("own-b", [3], { start: "2026-04-01" }),
		]);
		const source = new ImportSource(env.ARCHIVE, manifest.id, "2026-04-05");
		const plan = await source.plan(250, 2);
		expect(plan.shards).toHaveLength(2);
		await env.ARCHIVE.delete(priceKeys.chunk(manifest.chunks[1]?.sha256 as string));
		expect(cells((await source.collect(plan.shards[0] as never, NONE)).rows)).toEqual([
			"own-a@2026-04-01",
			"own-a@2026-04-02",
		]);
		await expect(source.collect(plan.shards[1] as never, NONE)).rejects.toThrow(SourceError);
		await expect(source.collect(plan.shards[1] as never, NONE)).rejects.toThrow(/lost its chunk/);
	});

	it("refuses a missing import, or one with no prices by the run date", async () => {
		await expect(new ImportSource(env.ARCHIVE, "0".repeat(64), "2026-04-05").plan(250)).rejects.toThrow(SourceError);
		await expect(new ImportSource(env.ARCHIVE, "0".repeat(64), "2026-04-05").plan(250)).rejects.toThrow(/no import/);
		const { manifest } = await storeImport(GROUPS);
		const early = new ImportSource(env.ARCHIVE, manifest.id, "2026-03-31");
		await expect(early.plan(250)).rejects.toThrow(SourceError);
		await expect(early.plan(250)).rejects.toThrow(/has no prices on or before 2026-03-31/);
	});
});

describe("HistorySource", () => {
	const entry = (card_id: string, first_seen: string, kind: "card" | "sealed" = "card") => ({
		card_id,
		source: "tcgcsv",
		product_id: null,
		printing: null,
		slug: null,
		name: `Name of ${card_id}`,
		set_name: "Set H",
		set_code: null,
		number: null,
		rarity: null,
		language: "en",
		kind,
		url: null,
		first_seen,
	});

	it("plans the catalogue's cards by the stored days since each was first seen, and reads a shard with its names", async () => {
		await resetPipeline();
		const days = ["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04"];
		for (const [k, date] of days.entries())
			await writeDay(
				env,
				{ date, source: "tcgcsv", by: "t" },
				{
					cards: k < 2 ? ["h-a", "h-b"] : ["h-a", "h-b", "h-c", "h-d"],
					prices: k < 2 ? [1, 2] : [1, 2, 3 + k, 4],
				},
			);
		await env.DB.batch(
			upsertCatalogue(
				env.DB,
				[
					entry("h-a", "2026-05-01"),
					entry("h-b", "2026-05-01"),
					entry("h-c", "2026-05-03"),
					entry("h-d", "2026-05-03", "sealed"),
				],
				"now",
				{ describe: true },
			),
		);
		// A budget of five rows: h-a and h-b hold four each, h-c and h-d two each (first seen on the third day).
		const plan = await new HistorySource(env, "2026-05-04", 730).plan(10, 5);
		expect(plan.shards.map((s) => [s.first, s.last])).toEqual([
			["h-a", "h-a"],
			["h-b", "h-b"],
			["h-c", "h-d"],
		]);
		expect(plan.history).toEqual(
			(await listHistoryDays(env.DB, "2024-01-01", "2026-05-04")).map(({ date, source, version }) => ({
				date,
				source,
				version,
			})),
		);
		const read = await new HistorySource(env, "2026-05-04", 730, plan.history).collect(plan.shards[2] as never);
		expect(read.rows.map((r) => `${r.card_id} ${r.card_name} ${r.date} ${r.market_price}`)).toEqual([
			"h-c Name of h-c 2026-05-03 5",
			"h-c Name of h-c 2026-05-04 6",
			"h-d Name of h-d 2026-05-03 4",
			"h-d Name of h-d 2026-05-04 4",
		]);
		expect(read.sealed).toEqual(["h-d"]);
		// As of the second night only the first two days exist for it.
		const early = await new HistorySource(env, "2026-05-02", 730).plan(10, 100);
		expect(early).toMatchObject({ cards: 2 });
		// The window: a run reads the last PIPELINE_HISTORY_DAYS days.
		expect((await new HistorySource(env, "2026-05-04", 2).plan(10, 100)).history?.map((d) => d.date)).toEqual([
			"2026-05-03",
			"2026-05-04",
		]);
	});

	it("refuses a history with no day in the window", async () => {
		await resetPipeline();
		await expect(new HistorySource(env, "2026-05-04", 730).plan(10)).rejects.toThrow(/holds no day/);
	});
});

describe("openSource", () => {
	const config = getConfig(env);

	it("opens the sample, an uploaded file, and the history for the feed, the live API and the history itself", () => {
		expect(openSource(env, config, "sample", "2026-01-01")).toBeInstanceOf(CsvSource);
		expect(openSource(env, config, `file:${"a".repeat(64)}`, "2026-01-01")).toBeInstanceOf(ImportSource);
		for (const source of ["tcgcsv", "live", "history"])
			expect(openSource(env, config, source, "2026-01-01")).toBeInstanceOf(HistorySource);
	});

	it("refuses an unknown source", () => {
		expect(() => openSource(env, config, "ftp", "2026-01-01")).toThrow(SourceError);
	});
});
