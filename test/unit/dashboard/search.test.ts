import { describe, expect, it } from "vitest";
import {
	cataloguePath,
	EMPTY_SEARCH,
	fieldOf,
	PAGE_SIZE,
	type SearchForm,
	SORTS,
	searchQuery,
	shownLine,
} from "../../../src/dashboard/search";

const form = (values: Partial<SearchForm>): SearchForm => ({ ...EMPTY_SEARCH, ...values });

describe("the catalogue search's query", () => {
	it("is empty for an empty form: every card, in card id order", () => {
		expect(searchQuery(EMPTY_SEARCH)).toBe("");
		expect(cataloguePath("")).toBe(`/v1/cards?limit=${PAGE_SIZE}`);
	});

	it("names every filled field by the API's parameter, values trimmed and encoded", () => {
		const query = searchQuery(
			form({
				q: "  char   223 ",
				signal: "BUY",
				kind: "card",
				language: "ja",
				printing: " Reverse Holofoil ",
				minPrice: "5",
				maxPrice: "100.5",
				sort: "-price",
			}),
		);
		expect(query).toBe(
			"q=char+223&signal=BUY&kind=card&language=ja&printing=Reverse+Holofoil&min_price=5&max_price=100.5&sort=-price",
		);
		expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
			q: "char 223",
			signal: "BUY",
			kind: "card",
			language: "ja",
			printing: "Reverse Holofoil",
			min_price: "5",
			max_price: "100.5",
			sort: "-price",
		});
	});

	it("leaves out empty fields and the default sort, so equal searches are equal strings", () => {
		expect(searchQuery(form({ q: "   ", printing: " ", sort: "card_id" }))).toBe("");
		expect(searchQuery(form({ q: "pikachu" }))).toBe(searchQuery(form({ q: " pikachu  ", sort: "card_id" })));
		expect(searchQuery(form({ maxPrice: "0" }))).toBe("max_price=0"); // 0 is a value, not "any"
	});

	it("sends what was typed and leaves judging it to the API (its 422 is shown by the form)", () => {
		expect(searchQuery(form({ minPrice: "10", maxPrice: "5" }))).toBe("min_price=10&max_price=5");
		expect(searchQuery(form({ minPrice: "-1" }))).toBe("min_price=-1");
		expect(searchQuery(form({ q: "é & ?" }))).toBe("q=%C3%A9+%26+%3F");
	});

	it("pages with a limit and the cursor of the page before, which is encoded", () => {
		expect(cataloguePath("q=char&sort=-price", "eyJ2IjoxfQ==/+")).toBe(
			"/v1/cards?q=char&sort=-price&limit=50&cursor=eyJ2IjoxfQ%3D%3D%2F%2B",
		);
		expect(cataloguePath("q=char", null, 6)).toBe("/v1/cards?q=char&limit=6");
	});

	it("offers every sort the API takes, the default first", () => {
		expect(SORTS.map(([value]) => value)).toEqual([
			"card_id",
			"price",
			"-price",
			"change",
			"-change",
			"probability",
			"-probability",
		]);
	});

	it("finds the form field a 422 names, and says how many are shown without inventing a total", () => {
		expect(fieldOf("query.min_price")).toBe("minPrice");
		expect(fieldOf("query.q")).toBe("q");
		expect(fieldOf("query.cursor")).toBeUndefined();
		expect(fieldOf("body.name")).toBeUndefined();
		expect(shownLine(50, true)).toBe("50 shown; more available");
		expect(shownLine(16, false)).toBe("16 shown");
		expect(shownLine(0, false)).toBe("none shown");
	});
});
