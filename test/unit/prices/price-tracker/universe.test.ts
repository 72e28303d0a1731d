import { describe, expect, it } from "vitest";
import { cardUniverse } from "../../../../src/prices/price-tracker/universe";

describe("cardUniverse", () => {
	it("starts with the original project's ten SV2a: Pokemon Card 151 cards, in card_id order", () => {
		const cards = cardUniverse();
		expect(cards.map((c) => c.tcgplayer_id).sort()).toEqual(
			["566544", "577147", "566545", "566543", "566547", "566546", "566843", "566824", "566844", "566825"].sort(),
		);
		expect(cards.find((c) => c.tcgplayer_id === "566544")).toMatchObject({ name: "Charizard ex", number: "201/165" });
		expect(cards.every((c) => c.set_name === "SV2a: Pokemon Card 151")).toBe(true);
		expect(cards.map((c) => c.card_id)).toEqual([...cards.map((c) => c.card_id)].sort());
	});

	it("refuses a universe with a duplicate id or a bad entry, naming it", () => {
		const card = { card_id: "a-1", tcgplayer_id: "1", name: "A", number: "1/1", set_name: "S" };
		expect(() => cardUniverse({ cards: [card, { ...card, card_id: "a-2" }] })).toThrow(
			/cards\.1\.tcgplayer_id: duplicate/,
		);
		expect(() => cardUniverse({ cards: [{ ...card, tcgplayer_id: "abc" }] })).toThrow(/cards\.0\.tcgplayer_id/);
		expect(() => cardUniverse({ cards: [] })).toThrow(/cards/);
	});
});
