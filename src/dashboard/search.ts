/** The catalogue search's pure parts: the form's values as the query GET /v1/cards takes, and what a page says. */

/** What the search form holds, as typed (every value a string; empty means "any"). */
export type SearchForm = {
	q: string;
	signal: string;
	kind: string;
	language: string;
	printing: string;
	minPrice: string;
	maxPrice: string;
	sort: string;
};

/** The form before anything is typed: every card, in card id order. */
export const EMPTY_SEARCH: SearchForm = {
	q: "",
	signal: "",
	kind: "",
	language: "",
	printing: "",
	minPrice: "",
	maxPrice: "",
	sort: "card_id",
};

/** The orders the API sorts by (`-` first: descending), with the words the form shows. */
export const SORTS = [
	["card_id", "Card id"],
	["price", "Price, lowest first"],
	["-price", "Price, highest first"],
	["change", "7-day change, lowest first"],
	["-change", "7-day change, highest first"],
	["probability", "Probability, lowest first"],
	["-probability", "Probability, highest first"],
] as const;

/** Cards per page: the API's default, asked for explicitly so the page does not depend on it. */
export const PAGE_SIZE = 50;

/** The query parameter each form field fills, in the order the query lists them. */
const PARAMS: readonly (readonly [keyof SearchForm, string])[] = [
	["q", "q"],
	["signal", "signal"],
	["kind", "kind"],
	["language", "language"],
	["printing", "printing"],
	["minPrice", "min_price"],
	["maxPrice", "max_price"],
	["sort", "sort"],
];

/**
 * The form as a query string (`q=char+223&signal=BUY&sort=-price`): values trimmed, empty ones and
 * the default sort left out, so equal searches give equal strings. Values go as typed: whether they
 * are valid (a price below 0, min above max) is the API's to say, in a 422 the form shows.
 */
export function searchQuery(form: SearchForm): string {
	const params = new URLSearchParams();
	for (const [field, name] of PARAMS) {
		const trimmed = form[field].trim();
		// The words of `q` are separated by any run of spaces to the API: one is enough.
		const value = field === "q" ? trimmed.replace(/\s+/g, " ") : trimmed;
		if (value && !(field === "sort" && value === EMPTY_SEARCH.sort)) params.set(name, value);
	}
	return params.toString();
}

/** The path of one page of a search: its query, the page size, and the cursor of the page before (if any). */
export function cataloguePath(query: string, cursor: string | null = null, limit = PAGE_SIZE): string {
	const params = new URLSearchParams(query);
	params.set("limit", String(limit));
	if (cursor) params.set("cursor", cursor);
	return `/v1/cards?${params}`;
}

/** The form field a 422's location names (`query.min_price` → `minPrice`), if it is one of the form's. */
export function fieldOf(location: string): keyof SearchForm | undefined {
	const name = location.replace(/^query\./, "");
	return PARAMS.find(([, param]) => param === name)?.[0];
}

/** How many the table shows, and whether the API has more: the API gives no total, so none is made up. */
export function shownLine(shown: number, more: boolean): string {
	if (shown === 0) return "none shown";
	return `${shown} shown${more ? "; more available" : ""}`;
}
