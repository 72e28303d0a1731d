import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runBatched } from "../../../src/db/batch";
import {
	type CatalogueCard,
	insertCatalogueCards,
	listCardIds,
	listCatalogue,
	topSignals,
} from "../../../src/db/catalogue";
import { cardRows, resetModels, seedModel } from "../../helpers/model";

let version: string;

// Latest deviations: a -0.50 (BUY), b +0.154 (SELL), c -0.143 (BUY), d 0 (HOLD), e +0.80 (SELL).
beforeAll(async () => {
	await resetModels();
	const published = await seedModel([
		...cardRows("cat-a", [100, 100, 40]),
		...cardRows("cat-b", [100, 100, 125]),
		...cardRows("cat-c", [100, 100, 80]),
		...cardRows("cat-d", [100, 100, 100]),
		...cardRows("cat-e", [100, 100, 300]),
	]);
	version = published.version;
});

const ids = (rows: CatalogueCard[]) => rows.map((r) => r.card_id);

describe("listCatalogue", () => {
	it("pages in card_id order after a key", async () => {
		expect(ids(await listCatalogue(env.DB, version, null, 2))).toEqual(["cat-a", "cat-b"]);
		expect(ids(await listCatalogue(env.DB, version, "cat-b", 2))).toEqual(["cat-c", "cat-d"]);
		expect(ids(await listCatalogue(env.DB, version, "cat-e", 2))).toEqual([]);
	});

	it("returns only the version asked for", async () => {
		expect(await listCatalogue(env.DB, "v-other", null, 10)).toEqual([]);
	});

	it("stores each card's latest evaluated day", async () => {
		const [row] = await listCatalogue(env.DB, version, "cat-d", 1);
		expect(row).toMatchObject({
			card_id: "cat-e",
			points: 3,
			first_date: "2026-01-01",
			latest_date: "2026-01-03",
			latest_market: 300,
			latest_signal: "SELL",
		});
	});
});

describe("listCardIds", () => {
	it("lists every card of the version in order", async () => {
		expect(await listCardIds(env.DB, version)).toEqual(["cat-a", "cat-b", "cat-c", "cat-d", "cat-e"]);
	});
});

describe("topSignals", () => {
	it("ranks BUY and SELL cards by |deviation|, largest first, leaving HOLD out", async () => {
		expect(ids(await topSignals(env.DB, version, ["BUY", "SELL"], 10))).toEqual(["cat-e", "cat-a", "cat-b", "cat-c"]);
	});

	it("filters to one signal and honours the limit", async () => {
		expect(ids(await topSignals(env.DB, version, ["BUY"], 10))).toEqual(["cat-a", "cat-c"]);
		expect(ids(await topSignals(env.DB, version, ["SELL"], 1))).toEqual(["cat-e"]);
	});
});

describe("insertCatalogueCards", () => {
	it("writes many rows in few statements (seven rows each), once per version and card", async () => {
		const rows = await listCatalogue(env.DB, version, null, 10);
		const copies = Array.from({ length: 3 }, (_, k) =>
			rows.map((r) => ({ ...r, card_id: `${r.card_id}-copy${k}` })),
		).flat();
		const statements = insertCatalogueCards(env.DB, version, copies);
		expect(statements).toHaveLength(Math.ceil(copies.length / 7));
		await runBatched(env.DB, statements);
		// Inserted once: a second write changes nothing.
		await runBatched(
			env.DB,
			insertCatalogueCards(
				env.DB,
				version,
				copies.map((c) => ({ ...c, points: 999 })),
			),
		);
		const all = await listCatalogue(env.DB, version, null, 100);
		expect(all).toHaveLength(rows.length * 4);
		expect(all.find((r) => r.card_id === "cat-e-copy2")).toEqual({
			...rows.find((r) => r.card_id === "cat-e"),
			card_id: "cat-e-copy2",
		});
		// abs_deviation is written too: the largest |deviation| still comes first.
		expect((await topSignals(env.DB, version, ["SELL"], 1))[0]?.card_id).toMatch(/^cat-e/);
	});
});
