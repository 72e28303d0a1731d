import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { JSON_PARAM_BYTES, jsonSlices, runBatched } from "../../../src/db/batch";
import { type CatalogueRow, upsertCatalogue } from "../../../src/db/catalogue";
import { resetPipeline } from "../../helpers/pipeline";

const row = (k: number, name = `Card ${k}`): CatalogueRow => ({
	card_id: `tcgp-${100000 + k}-holofoil`,
	source: "tcgcsv",
	product_id: 100000 + k,
	printing: "Holofoil",
	slug: null,
	name,
	set_name: "TCGplayer group 1",
	set_code: null,
	number: null,
	rarity: null,
	language: null,
	kind: "card",
	url: null,
	first_seen: "2025-10-12",
});

describe("jsonSlices", () => {
	it("cuts rows into JSON arrays under the bound, in order, losing none", () => {
		const rows = Array.from({ length: 1000 }, (_, k) => ({ k, text: "x".repeat(k % 50) }));
		const slices = jsonSlices(rows, 4_000);
		expect(slices.length).toBeGreaterThan(5);
		for (const s of slices) expect(new TextEncoder().encode(s).length).toBeLessThanOrEqual(4_000);
		expect(slices.flatMap((s) => JSON.parse(s))).toEqual(rows);
	});

	it("gives a row larger than the bound a slice of its own, and nothing for no rows", () => {
		expect(jsonSlices([{ a: "y".repeat(50) }, { b: 1 }], 20)).toEqual([`[{"a":"${"y".repeat(50)}"}]`, '[{"b":1}]']);
		expect(jsonSlices([])).toEqual([]);
	});
});

describe("upsertCatalogue at the size of a day's archive", () => {
	beforeEach(resetPipeline);

	it("writes 20,000 cards (about 6 MB of JSON, over D1's 2 MB parameter) in statements D1 accepts", async () => {
		const rows = Array.from({ length: 20_000 }, (_, k) => row(k, `TCGplayer product ${100000 + k} (Holofoil)`));
		expect(JSON.stringify(rows).length).toBeGreaterThan(4 * JSON_PARAM_BYTES * 2);
		const statements = upsertCatalogue(env.DB, rows, "2025-10-13T00:00:00Z", { describe: false });
		expect(statements.length).toBeGreaterThan(1);
		await runBatched(env.DB, statements);
		const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM catalogue").first<{ n: number }>();
		expect(count?.n).toBe(20_000);
		const last = await env.DB.prepare("SELECT name FROM catalogue WHERE card_id = ?")
			.bind("tcgp-119999-holofoil")
			.first<{ name: string }>();
		expect(last?.name).toBe("TCGplayer product 119999 (Holofoil)");
	});

	it("is no statement for no rows", () => {
		expect(upsertCatalogue(env.DB, [], "now", { describe: true })).toEqual([]);
	});
});
