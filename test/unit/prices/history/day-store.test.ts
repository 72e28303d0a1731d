import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getHistoryDay, partsOf } from "../../../../src/db/history";
import { canonicalDay, mergeDay, readDay, writeDay } from "../../../../src/prices/history/day-store";
import { HISTORY_PART_ROWS, historyPartKey } from "../../../../src/prices/history/layout";
import { resetPipeline } from "../../../helpers/pipeline";

const day = (n: number, offset = 0) => ({
	cards: Array.from({ length: n }, (_, i) => `tcgp-${String(100000 + i).padStart(6, "0")}-normal`).reverse(),
	prices: Array.from({ length: n }, (_, i) => 1 + ((n - 1 - i) % 97) / 10 + offset),
});

describe("writing a day of the price history", () => {
	beforeEach(resetPipeline);

	it("cuts the day into parts of HISTORY_PART_ROWS cards in card order, indexed in D1, readable back", async () => {
		const n = HISTORY_PART_ROWS * 2 + 5;
		const written = await writeDay(env, { date: "2026-11-02", source: "tcgcsv", by: "run-a" }, day(n));
		expect(written).toMatchObject({ rows: n, parts: 3, changed: true });
		const stored = await getHistoryDay(env.DB, "2026-11-02", "tcgcsv");
		expect(stored).toMatchObject({ version: written.version, rows: n, parts: 3, written_by: "run-a" });
		const parts = await partsOf(env.DB, { date: "2026-11-02", source: "tcgcsv", version: written.version });
		expect(parts.map((p) => p.rows)).toEqual([HISTORY_PART_ROWS, HISTORY_PART_ROWS, 5]);
		expect(parts[0]?.first_card).toBe("tcgp-100000-normal");
		expect(parts[1]?.first_card).toBe(`tcgp-${100000 + HISTORY_PART_ROWS}-normal`);
		expect(parts.every((p, i) => p.r2_key === historyPartKey("2026-11-02", "tcgcsv", written.version, i))).toBe(true);
		const back = await readDay(env, "2026-11-02", "tcgcsv");
		expect(back.size).toBe(n);
		expect(back.get("tcgp-100000-normal")).toBe(1);
	});

	it("writes nothing the second time the same prices come, whatever their order", async () => {
		const first = await writeDay(env, { date: "2026-11-02", source: "tcgcsv", by: "run-a" }, day(50));
		const listed = (await env.ARCHIVE.list({ prefix: "history/" })).objects.map((o) => `${o.key}@${o.etag}`);
		const shuffled = day(50);
		shuffled.cards.reverse();
		shuffled.prices.reverse();
		const again = await writeDay(env, { date: "2026-11-02", source: "tcgcsv", by: "run-b" }, shuffled);
		expect(again).toMatchObject({ version: first.version, changed: false });
		expect((await env.ARCHIVE.list({ prefix: "history/" })).objects.map((o) => `${o.key}@${o.etag}`)).toEqual(listed);
		expect((await getHistoryDay(env.DB, "2026-11-02", "tcgcsv"))?.written_by).toBe("run-a");
	});

	it("replaces a day with new prices under a new version, never duplicating a card", async () => {
		const first = await writeDay(env, { date: "2026-11-02", source: "tcgcsv", by: "run-a" }, day(10));
		const merged = await mergeDay(
			env,
			{ date: "2026-11-02", source: "tcgcsv", by: "run-b" },
			{ cards: ["tcgp-100003-normal", "tcgp-999999-holofoil"], prices: [42, 7] },
		);
		expect(merged.version).not.toBe(first.version);
		expect(merged.rows).toBe(11);
		const back = await readDay(env, "2026-11-02", "tcgcsv");
		expect(back.get("tcgp-100003-normal")).toBe(42);
		expect(back.get("tcgp-999999-holofoil")).toBe(7);
		expect(back.get("tcgp-100004-normal")).toBe(day(10).prices[5]);
		// The old version's parts stay indexed (a run planned on it still reads it).
		expect(await partsOf(env.DB, { date: "2026-11-02", source: "tcgcsv", version: first.version })).toHaveLength(1);
	});

	it("keeps sources apart: each (day, source) is its own snapshot", async () => {
		await writeDay(env, { date: "2026-11-02", source: "tcgcsv", by: "r" }, day(3));
		await writeDay(env, { date: "2026-11-02", source: "live", by: "r" }, { cards: ["sv2a-1"], prices: [5] });
		expect((await readDay(env, "2026-11-02", "tcgcsv")).size).toBe(3);
		expect([...(await readDay(env, "2026-11-02", "live")).entries()]).toEqual([["sv2a-1", 5]]);
	});

	it("refuses what the history cannot hold: a card twice, a zero or negative price, a bad source name", async () => {
		expect(() => canonicalDay({ cards: ["a", "a"], prices: [1, 2] })).toThrow(/twice/);
		expect(() => canonicalDay({ cards: ["a"], prices: [0] })).toThrow(/positive/);
		expect(() => canonicalDay({ cards: ["a"], prices: [Number.NaN] })).toThrow(/positive/);
		await expect(writeDay(env, { date: "2026-11-02", source: "Bad Source", by: "r" }, day(1))).rejects.toThrow(
			/bad history source/,
		);
		expect(await getHistoryDay(env.DB, "2026-11-02", "tcgcsv")).toBeNull();
	});
});
