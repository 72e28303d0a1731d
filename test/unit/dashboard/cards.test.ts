import { describe, expect, it } from "vitest";
import { panelFacts, rowFacts, tcgplayerLink } from "../../../src/dashboard/cards";
import type { CatalogueCard } from "../../../src/dashboard/types";

const feedCard: CatalogueCard = {
	card_id: "c1",
	name: "Charizard ex",
	set: "SV03: Obsidian Flames",
	number: "223/197",
	printing: "Holofoil",
	rarity: "Special Illustration Rare",
	set_code: "OBF",
	language: "en",
	kind: "card",
	tcgplayer_url: "https://www.tcgplayer.com/product/509980",
};

/** A card of the shipped sample: the feed's facts are all null. */
const sampleCard: CatalogueCard = {
	card_id: "sv03-223-charizard-ex",
	name: "Charizard ex",
	slug: null,
	number: null,
	printing: null,
	rarity: null,
	set_code: null,
	language: null,
	kind: "card",
	tcgplayer_url: null,
};

describe("what the page says a card is", () => {
	it("puts the number and printing under a row's name, and a language only when it is not English", () => {
		expect(rowFacts(feedCard)).toBe("223/197 · Holofoil");
		expect(rowFacts({ ...feedCard, printing: "Reverse Holofoil", language: "ja" })).toBe(
			"223/197 · Reverse Holofoil · JA",
		);
		expect(rowFacts({ card_id: "box", kind: "sealed", number: null, printing: "Normal" })).toBe("Normal · sealed");
	});

	it("adds nothing under a row when the API says none of it (the sample)", () => {
		expect(rowFacts(sampleCard)).toBeNull();
		expect(rowFacts({ card_id: "x", number: "  ", printing: "" })).toBeNull();
		expect(panelFacts(sampleCard)).toEqual([]);
	});

	it("lists every fact in the card's panel, a known language in words", () => {
		expect(panelFacts(feedCard)).toEqual(["OBF", "223/197", "Special Illustration Rare", "Holofoil", "English"]);
		expect(panelFacts({ card_id: "b", kind: "sealed", language: "ja", set_code: "SV2a" })).toEqual([
			"SV2a",
			"Japanese",
			"sealed product",
		]);
		expect(panelFacts({ card_id: "k", language: "ko" })).toEqual(["ko"]);
	});

	it("links to TCGplayer only over https, never a script or another scheme", () => {
		expect(tcgplayerLink(feedCard.tcgplayer_url)).toBe("https://www.tcgplayer.com/product/509980");
		for (const bad of [
			null,
			undefined,
			"",
			"javascript:alert(1)",
			"http://www.tcgplayer.com/product/1",
			"data:text/html,hi",
			"/product/1",
			42,
		])
			expect(tcgplayerLink(bad), String(bad)).toBeNull();
	});
});
