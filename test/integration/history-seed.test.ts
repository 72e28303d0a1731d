import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { CataloguePage, History } from "../../src/api/schemas/cards";
import { HistoryDays, Seed, SeedResponse } from "../../src/api/schemas/history";
import { ImportInfo } from "../../src/api/schemas/imports";
import { readDay } from "../../src/prices/history/day-store";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { count, momentumRows, RUN_TIMEOUT, resetPipeline, runToEnd, toCsv } from "../helpers/pipeline";

/** Imports a CSV through the API and seeds the history with it; waits for the seed to end. */
async function seed(text: string, force = false) {
	const res = await api("/v1/admin/imports", { method: "POST", headers: { "content-type": "text/csv" }, body: text });
	const imported = await readJson(res, ImportInfo, res.status === 201 ? 201 : 200);
	const started = await postJson("/v1/admin/history/seeds", { import_id: imported.id, force });
	const body = await readJson(started, SeedResponse, started.status);
	for (let k = 0; k < 200 && !["complete", "failed"].includes(body.seed.status); k++) {
		await new Promise((r) => setTimeout(r, 100));
		body.seed = await readJson(await api(body.href), Seed);
	}
	return { status: started.status, ...body };
}

const days = async () => (await readJson(await api("/v1/admin/history?limit=100"), HistoryDays)).data;

describe("seeding the price history from an import", () => {
	beforeEach(resetPipeline);

	it(
		"merges an import day by day under its source; a run on the history then serves it",
		async () => {
			const rows = momentumRows({ cards: 8, days: 90, start: "2026-01-01", prefix: "seed" });
			const { seed: done, status } = await seed(toCsv(rows));
			expect(status).toBe(202);
			expect(done).toMatchObject({ status: "complete", rows: 720, cards: 8, days_written: 90 });
			const stored = await days();
			expect(stored).toHaveLength(90);
			expect(stored[0]).toMatchObject({ date: "2026-03-31", source: "test", rows: 8, written_by: done.id });
			// The import's cards are catalogued under their own names; the staged fragments are gone.
			expect(await count("catalogue", "card_id LIKE 'seed-%' AND first_seen = '2026-01-01'")).toBe(8);
			expect((await env.ARCHIVE.list({ prefix: "history/seeds/" })).objects).toHaveLength(0);
			await using run = await runToEnd("seeded-night", { source: "history", run_date: "2026-03-31" });
			expect(run.output).toMatchObject({ serving: expect.any(String) });
			const listed = await readJson(await api("/v1/cards?q=momentum"), CataloguePage);
			expect(listed.data).toHaveLength(8);
			const history = await readJson(await api("/v1/cards/seed-03/history"), History);
			expect(history.points).toHaveLength(90);
		},
		RUN_TIMEOUT,
	);

	it("answers the import's seed instead of seeding it twice, and a forced seed of the same prices changes nothing", async () => {
		const text = toCsv(momentumRows({ cards: 2, days: 5, start: "2026-02-01", prefix: "twice" }));
		const first = await seed(text);
		const before = await days();
		const again = await seed(text);
		expect(again).toMatchObject({ status: 200, reused: true, seed: { id: first.seed.id } });
		const forced = await seed(text, true);
		expect(forced).toMatchObject({ status: 202, reused: false, seed: { status: "complete" } });
		expect(forced.seed.id).not.toBe(first.seed.id);
		// The same prices: the same versions, still written by the first seed.
		expect(await days()).toEqual(before);
	});

	it("merges a later import over the days it shares: a card's day takes the new price, never twice", async () => {
		const rows = momentumRows({ cards: 2, days: 3, start: "2026-02-01", prefix: "over" });
		await seed(toCsv(rows));
		const changed = rows.map((r) =>
			r.date === "2026-02-02" && r.card_id === "over-00" ? { ...r, market_price: 99 } : r,
		);
		await seed(toCsv([...changed, { ...(rows[0] as (typeof rows)[number]), card_id: "over-new" }]));
		const day = (await days()).find((d) => d.date === "2026-02-01");
		expect(day?.rows).toBe(3);
		const feb2 = await readDay(env, "2026-02-02", "test");
		expect([...feb2.keys()]).toEqual(["over-00", "over-01"]);
		expect(feb2.get("over-00")).toBe(99);
	});

	it("refuses an unknown import and a malformed id with a 422 naming body.import_id", async () => {
		for (const import_id of ["0".repeat(64), "nope"]) {
			const problem = await expectProblem(
				await postJson("/v1/admin/history/seeds", { import_id }),
				422,
				"validation_failed",
			);
			expect(locations(problem)).toEqual(["body.import_id"]);
		}
		await expectProblem(await api("/v1/admin/history/seeds/seed-20260101-00000000"), 404, "not_found");
	});
});
