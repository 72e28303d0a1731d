import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { type DayVersion, listHistoryDays } from "../../../../src/db/history";
import { writeDay } from "../../../../src/prices/history/day-store";
import { HISTORY_PART_ROWS } from "../../../../src/prices/history/layout";
import { readHistoryRange } from "../../../../src/prices/history/reader";
import { resetPipeline } from "../../../helpers/pipeline";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `card-${String(i).padStart(5, "0")}`);
const versions = async (from: string, to: string): Promise<DayVersion[]> =>
	(await listHistoryDays(env.DB, from, to)).map(({ date, source, version }) => ({ date, source, version }));

describe("reading the price history", () => {
	beforeEach(resetPipeline);

	it("reads a range of cards over the days, fetching only the parts that may hold it", async () => {
		const cards = ids(HISTORY_PART_ROWS * 3);
		for (const [k, date] of ["2026-11-01", "2026-11-02", "2026-11-03"].entries())
			await writeDay(env, { date, source: "tcgcsv", by: "t" }, { cards, prices: cards.map((_, i) => 1 + i + k) });
		const first = cards[HISTORY_PART_ROWS + 10] as string;
		const last = cards[HISTORY_PART_ROWS + 12] as string;
		const read = await readHistoryRange(env, await versions("2026-11-01", "2026-11-03"), first, last);
		expect(read.parts).toBe(3); // one part a day, not three
		expect(read.prices.map((p) => `${p.card_id}@${p.date}=${p.price}`)).toEqual(
			[10, 11, 12].flatMap((j) =>
				["2026-11-01", "2026-11-02", "2026-11-03"].map(
					(d, k) => `${cards[HISTORY_PART_ROWS + j]}@${d}=${1 + HISTORY_PART_ROWS + j + k}`,
				),
			),
		);
	});

	it("reads the versions it is given: a day written again later does not change a planned read", async () => {
		await writeDay(env, { date: "2026-11-01", source: "tcgcsv", by: "t" }, { cards: ["a", "b"], prices: [1, 2] });
		const planned = await versions("2026-11-01", "2026-11-01");
		await writeDay(env, { date: "2026-11-01", source: "tcgcsv", by: "t" }, { cards: ["a", "b"], prices: [9, 9] });
		const read = await readHistoryRange(env, planned, "a", "b");
		expect(read.prices.map((p) => p.price)).toEqual([1, 2]);
		const now = await readHistoryRange(env, await versions("2026-11-01", "2026-11-01"), "a", "b");
		expect(now.prices.map((p) => p.price)).toEqual([9, 9]);
	});

	it("keeps one price a card and day: the feed before the Price Tracker before imports", async () => {
		await writeDay(env, { date: "2026-11-01", source: "my-import", by: "t" }, { cards: ["x"], prices: [3] });
		await writeDay(env, { date: "2026-11-01", source: "live", by: "t" }, { cards: ["x"], prices: [2] });
		await writeDay(env, { date: "2026-11-01", source: "tcgcsv", by: "t" }, { cards: ["x"], prices: [1] });
		await writeDay(env, { date: "2026-11-02", source: "my-import", by: "t" }, { cards: ["x"], prices: [4] });
		const read = await readHistoryRange(env, await versions("2026-11-01", "2026-11-02"), "x", "x");
		expect(read.prices.map((p) => [p.date, p.price, p.source])).toEqual([
			["2026-11-01", 1, "tcgcsv"],
			["2026-11-02", 4, "my-import"],
		]);
	});
});
