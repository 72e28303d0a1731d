import { describe, expect, it } from "vitest";
import { CARD_ID_PATTERN } from "../../../../src/model/card-series";
import { cardSlug, feedCardId, productFacts, setCode, slugify } from "../../../../src/prices/tcgcsv/cards";
import type { FeedProduct } from "../../../../src/prices/tcgcsv/shapes";

const lugia: FeedProduct = {
	productId: 451396,
	name: "Lugia VSTAR",
	cleanName: "Lugia VSTAR",
	groupId: 3170,
	url: "https://www.tcgplayer.com/product/451396/pokemon-swsh12-silver-tempest-lugia-vstar",
	modifiedOn: "2025-12-04T15:00:29.8",
	extendedData: [
		{ name: "Number", displayName: "Card Number", value: "139/195" },
		{ name: "Rarity", displayName: "Rarity", value: "Ultra Rare" },
		{ name: "HP", displayName: "HP", value: "280" },
	],
};

describe("what a feed series is", () => {
	it("has one card id per product and printing, made of nothing that a corrected name changes", () => {
		expect(feedCardId(451396, "Holofoil")).toBe("tcgp-451396-holofoil");
		expect(feedCardId(84856, "1st Edition Holofoil")).toBe("tcgp-84856-1st-edition-holofoil");
		expect(feedCardId(1, "Reverse Holofoil")).toMatch(CARD_ID_PATTERN);
		expect(feedCardId(1, "Normal")).not.toBe(feedCardId(1, "Reverse Holofoil"));
	});

	it("reads a card's number, rarity and link from its product", () => {
		expect(productFacts(lugia, 3170)).toEqual({
			product_id: 451396,
			group_id: 3170,
			name: "Lugia VSTAR",
			clean_name: "Lugia VSTAR",
			number: "139/195",
			rarity: "Ultra Rare",
			kind: "card",
			url: lugia.url,
			modified_on: "2025-12-04T15:00:29.8",
		});
	});

	it("takes a product without a card number for a sealed product, and links it on TCGplayer", () => {
		const box = productFacts(
			{ productId: 7, name: "Silver Tempest Booster Box", extendedData: [{ name: "CardText", value: "36 packs" }] },
			3170,
		);
		expect(box).toMatchObject({
			kind: "sealed",
			number: null,
			rarity: null,
			url: "https://www.tcgplayer.com/product/7",
		});
	});

	it("gives a readable slug beside the id", () => {
		expect(slugify("Pokémon Card 151: Charizard ex!")).toBe("pokemon-card-151-charizard-ex");
		expect(setCode({ abbreviation: "SWSH12", name: "SWSH12: Silver Tempest" })).toBe("swsh12");
		expect(setCode({ abbreviation: null, name: "Celebrations: Classic Collection" })).toBe(
			"celebrations-classic-collection",
		);
		expect(cardSlug({ set_code: "swsh12", number: "139/195", name: "Lugia VSTAR", printing: "Holofoil" })).toBe(
			"swsh12-139-lugia-vstar-holofoil",
		);
		expect(cardSlug({ set_code: "swsh12", number: null, name: "Booster Box", printing: "Normal" })).toBe(
			"swsh12-booster-box-normal",
		);
	});
});
