import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type CatalogueRow, upsertCatalogue } from "../../../src/db/catalogue";
import {
	type CatalogueFilter,
	type CatalogueSort,
	listCatalogue,
	publishStaged,
	type ServingCard,
	searchQuery,
	sortValue,
	stageServingCards,
} from "../../../src/db/serving";
import { resetPipeline } from "../../helpers/pipeline";
import { servingCard } from "../../helpers/serving";

const facts = (card_id: string, over: Partial<CatalogueRow>): CatalogueRow => ({
	card_id,
	source: "tcgcsv",
	product_id: 1000,
	printing: "Holofoil",
	slug: card_id,
	name: "Unnamed",
	set_name: "Set A",
	set_code: "SETA",
	number: "1/100",
	rarity: "Rare",
	language: "en",
	kind: "card",
	url: "https://www.tcgplayer.com/product/1000",
	first_seen: "2026-05-01",
	...over,
});

const CARDS: [ServingCard, CatalogueRow][] = [
	[
		servingCard("tcgp-1-holofoil", "run-l", {
			name: "Charizard ex",
			market_price: 120,
			change_7d: 0.1,
			signal: "BUY",
			strength: 0.7,
		}),
		facts("tcgp-1-holofoil", {
			name: "Charizard ex",
			number: "223/197",
			set_code: "OBF",
			set_name: "SV03: Obsidian Flames",
			slug: "obf-223-charizard-ex-holofoil",
		}),
	],
	[
		servingCard("tcgp-2-reverse-holofoil", "run-l", {
			name: "Pokémon Center Charmander",
			market_price: 3,
			change_7d: -0.2,
			signal: "SELL",
			strength: 0.6,
		}),
		facts("tcgp-2-reverse-holofoil", {
			name: "Pokémon Center Charmander",
			printing: "Reverse Holofoil",
			number: "004/165",
			set_name: "SV: Scarlet & Violet 151",
			set_code: "MEW",
		}),
	],
	[
		servingCard("tcgp-3-normal", "run-l", {
			name: "Scarlet & Violet Booster Box",
			market_price: 140,
			change_7d: null,
			signal: "HOLD",
			strength: 0,
		}),
		facts("tcgp-3-normal", {
			name: "Scarlet & Violet Booster Box",
			printing: "Normal",
			number: null,
			rarity: null,
			kind: "sealed",
			set_name: "SV: Scarlet & Violet 151",
		}),
	],
	[
		servingCard("tcgp-4-holofoil", "run-l", {
			name: "リザードンex",
			market_price: 80,
			change_7d: 0.02,
			signal: "BUY",
			strength: 0.55,
		}),
		facts("tcgp-4-holofoil", {
			name: "リザードンex",
			language: "ja",
			number: "201/165",
			set_name: "SV2a: Pokemon Card 151",
			set_code: "SV2A",
		}),
	],
	[
		servingCard("tcgp-5-holofoil", "run-l", {
			name: "Charizard VMAX",
			market_price: 120,
			change_7d: 0.1,
			signal: "HOLD",
			strength: 0,
		}),
		facts("tcgp-5-holofoil", {
			name: "Charizard VMAX",
			number: "020/189",
			set_name: "Darkness Ablaze",
			set_code: "DAA",
		}),
	],
];

const ids = async (filter: CatalogueFilter, sort: CatalogueSort = "card_id") =>
	(await listCatalogue(env.DB, filter, sort, null, 100)).map((c) => c.card_id);

describe("the served catalogue: search, filters and sorts", () => {
	beforeAll(async () => {
		await resetPipeline();
		await env.DB.batch(
			upsertCatalogue(
				env.DB,
				CARDS.map(([, f]) => f),
				"now",
				{ describe: true },
			),
		);
		// A run stages each card under the catalogue's set name.
		await env.DB.batch(
			stageServingCards(
				env.DB,
				CARDS.map(([c, f]) => ({ ...c, set_name: f.set_name })),
			),
		);
		await env.DB.batch(publishStaged(env.DB, "run-l"));
	});

	it("copies what each card is from the catalogue when it is published", async () => {
		const [card] = await listCatalogue(env.DB, { match: searchQuery("obf 223") ?? "" }, "card_id", null, 10);
		expect(card).toMatchObject({
			card_id: "tcgp-1-holofoil",
			product_id: 1000,
			printing: "Holofoil",
			number: "223/197",
			set_code: "OBF",
			kind: "card",
			language: "en",
		});
	});

	it("searches words of the name, number, set code and slug, each as a prefix, diacritics folded", async () => {
		expect(await ids({ match: searchQuery("chari") ?? "" })).toEqual(["tcgp-1-holofoil", "tcgp-5-holofoil"]);
		expect(await ids({ match: searchQuery("Charizard ex") ?? "" })).toEqual(["tcgp-1-holofoil"]);
		expect(await ids({ match: searchQuery("pokemon center") ?? "" })).toEqual(["tcgp-2-reverse-holofoil"]);
		expect(await ids({ match: searchQuery("223") ?? "" })).toEqual(["tcgp-1-holofoil"]);
		expect(await ids({ match: searchQuery("mew") ?? "" })).toEqual(["tcgp-2-reverse-holofoil"]);
		expect(await ids({ match: searchQuery("リザードンex") ?? "" })).toEqual(["tcgp-4-holofoil"]);
		expect(searchQuery("  ---  ")).toBeNull();
		expect(searchQuery('a"b OR c')).toBe('"a"* "b"* "or"* "c"*');
	});

	it("filters by set, printing, language, kind, signal and a price range", async () => {
		expect(await ids({ set: "SV: Scarlet & Violet 151" })).toEqual(["tcgp-2-reverse-holofoil", "tcgp-3-normal"]);
		expect(await ids({ printing: "Reverse Holofoil" })).toEqual(["tcgp-2-reverse-holofoil"]);
		expect(await ids({ language: "ja" })).toEqual(["tcgp-4-holofoil"]);
		expect(await ids({ kind: "sealed" })).toEqual(["tcgp-3-normal"]);
		expect(await ids({ signal: "BUY" })).toEqual(["tcgp-1-holofoil", "tcgp-4-holofoil"]);
		expect(await ids({ min_price: 80, max_price: 120 })).toEqual([
			"tcgp-1-holofoil",
			"tcgp-4-holofoil",
			"tcgp-5-holofoil",
		]);
		expect(await ids({ match: searchQuery("charizard") ?? "", signal: "HOLD", max_price: 200 })).toEqual([
			"tcgp-5-holofoil",
		]);
	});

	it("sorts by price, change or probability either way, ties by card id; change leaves out cards without one", async () => {
		expect(await ids({}, "-price")).toEqual([
			"tcgp-3-normal",
			"tcgp-1-holofoil",
			"tcgp-5-holofoil",
			"tcgp-4-holofoil",
			"tcgp-2-reverse-holofoil",
		]);
		expect(await ids({}, "price")).toEqual([
			"tcgp-2-reverse-holofoil",
			"tcgp-4-holofoil",
			"tcgp-1-holofoil",
			"tcgp-5-holofoil",
			"tcgp-3-normal",
		]);
		expect(await ids({}, "change")).toEqual([
			"tcgp-2-reverse-holofoil",
			"tcgp-4-holofoil",
			"tcgp-1-holofoil",
			"tcgp-5-holofoil",
		]);
		expect(await ids({}, "-probability")).toEqual([
			"tcgp-1-holofoil",
			"tcgp-2-reverse-holofoil",
			"tcgp-4-holofoil",
			"tcgp-3-normal",
			"tcgp-5-holofoil",
		]);
	});

	it("pages a sort by its value and card id, so ties are neither repeated nor skipped", async () => {
		const seen: string[] = [];
		let after: { value: number | null; card_id: string } | null = null;
		for (let page = 0; page < 10; page++) {
			const rows = await listCatalogue(env.DB, {}, "-price", after, 2);
			if (rows.length === 0) break;
			seen.push(...rows.map((r) => r.card_id));
			const last = rows.at(-1) as ServingCard;
			after = { value: sortValue(last, "-price"), card_id: last.card_id };
		}
		expect(seen).toEqual(await ids({}, "-price"));
	});

	it("keeps the search index in step when a card's name is corrected", async () => {
		await env.DB.batch(
			upsertCatalogue(
				env.DB,
				[facts("tcgp-5-holofoil", { name: "Charizard VMAX (Secret)", number: "020/189", slug: "daa-20-x" })],
				"later",
				{ describe: true },
			),
		);
		await env.DB.batch(
			stageServingCards(env.DB, [
				servingCard("tcgp-5-holofoil", "run-m", {
					name: "Charizard VMAX (Secret)",
					set_name: "Darkness Ablaze",
					latest_date: "2026-05-11",
					market_price: 121,
				}),
			]),
		);
		await env.DB.batch(publishStaged(env.DB, "run-m"));
		expect(await ids({ match: searchQuery("secret") ?? "" })).toEqual(["tcgp-5-holofoil"]);
		expect(await ids({ match: searchQuery("chari") ?? "" })).toEqual(["tcgp-1-holofoil", "tcgp-5-holofoil"]);
		const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM serving_search").first<{ n: number }>();
		expect(rows?.n).toBe(5);
	});
});
