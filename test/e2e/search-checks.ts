/**
 * The catalogue's server-side search, scenario by scenario: what the page asked GET /v1/cards
 * (read off the requests it sent), what it shows, and what the API answers the same query. The
 * expectations follow the API's contract (q narrows by words of the name, sort orders, min above
 * max is a 422 naming query.min_price), so they hold on any catalogue, the sample's included.
 */
import type { Page, Request, Response } from "playwright-core";
import { expect } from "vitest";
import type { CataloguePage } from "../../src/dashboard/types";
import type { ApiGet } from "./page-checks";

/** The query of a page's catalogue request (GET /v1/cards), or null for any other request. */
export const cardsQuery = (url: string): URLSearchParams | null => {
	const u = new URL(url);
	return u.pathname === "/v1/cards" ? u.searchParams : null;
};

/** The next catalogue answer whose query passes `test`. */
const answerTo = (page: Page, test: (q: URLSearchParams) => boolean): Promise<Response> =>
	page.waitForResponse((r) => {
		const q = cardsQuery(r.url());
		return q !== null && test(q);
	});

/** The table has settled on the answer to `query` (the rows carry the query they answer). */
async function showing(page: Page, query: string): Promise<void> {
	await page.locator(`#catalogue-rows[data-query="${query}"]`).waitFor({ state: "attached" });
	await page.locator('#catalogue-panel[aria-busy="false"]').waitFor({ state: "attached" });
}

/** The card ids of the rows shown, in order. */
export const shownIds = (page: Page) =>
	page.locator("#catalogue-rows tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-card-id")));

const idsOf = (answer: CataloguePage) => answer.data.map((c) => c.card_id);

/**
 * Typing narrows the table from the server: one request once the typing pauses (not one per
 * key), carrying `q=`; the rows are what the API answers for it, and every one matches. Then the
 * newest search wins: an older search's answer, held back until after a newer one has been
 * shown, does not replace it.
 */
export async function checkTypedSearch(page: Page, api: ApiGet): Promise<void> {
	const sent: URLSearchParams[] = [];
	const onRequest = (r: Request) => {
		const q = cardsQuery(r.url());
		if (q?.has("q")) sent.push(q);
	};
	page.on("request", onRequest);
	const answered = answerTo(page, (q) => q.get("q") === "charizard");
	await page.locator("#card-q").pressSequentially("charizard", { delay: 30 });
	expect((await answered).status()).toBe(200);
	await showing(page, "q=charizard");
	page.off("request", onRequest);
	expect(sent.length, "debounced: fewer requests than keys").toBeLessThan("charizard".length);
	expect(sent.at(-1)?.get("q")).toBe("charizard");

	const expected = await api<CataloguePage>("/v1/cards?q=charizard&limit=100");
	expect(await shownIds(page)).toEqual(idsOf(expected));
	const names = await page.locator("#catalogue-rows tr .card-name").allTextContents();
	expect(names.length).toBeGreaterThan(0);
	for (const name of names) expect(name, "only Charizards").toMatch(/charizard/i);
	expect(expected.data.every((c) => /charizard/i.test(c.name ?? ""))).toBe(true);
	expect(await page.locator("#catalogue-count").textContent()).toContain(`${names.length} shown`);

	// The newest search wins: q=pikachu's answer is held back until q=umbreon's has been shown.
	let release = () => {};
	const held = new Promise<void>((resolve) => {
		release = resolve;
	});
	await page.route(
		(url) => cardsQuery(url.href)?.get("q") === "pikachu",
		async (route) => {
			await held;
			await route.continue();
		},
	);
	const pikachu = answerTo(page, (q) => q.get("q") === "pikachu");
	await page.locator("#card-q").fill("pikachu");
	await page.locator("#card-q").press("Enter"); // at once, no pause
	await page.locator("#card-q").fill("umbreon");
	await page.locator("#card-q").press("Enter");
	await showing(page, "q=umbreon");
	release();
	await pikachu;
	await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100))); // let a stale answer land, if it would
	await page.unrouteAll();
	expect(await page.locator("#catalogue-rows").getAttribute("data-query")).toBe("q=umbreon");
	const umbreon = await api<CataloguePage>("/v1/cards?q=umbreon&limit=100");
	expect(await shownIds(page)).toEqual(idsOf(umbreon));
	for (const name of await page.locator("#catalogue-rows tr .card-name").allTextContents())
		expect(name, "only Umbreons").toMatch(/umbreon/i);
}

/** The market price in a row's Market cell (`1,012.89`). */
const marketPrices = async (page: Page) =>
	(await page.locator("#catalogue-rows tr td:nth-of-type(2)").allTextContents()).map((t) =>
		Number(t.trim().replaceAll(",", "")),
	);

/** A sort changes the order: the rows follow the API's answer for it, the market price highest first. */
export async function checkSort(page: Page, api: ApiGet): Promise<void> {
	const before = await shownIds(page);
	const answered = answerTo(page, (q) => q.get("sort") === "-price");
	await page.locator("#card-sort").selectOption("-price"); // a select asks at once
	const response = await answered;
	expect(response.status()).toBe(200);
	expect(cardsQuery(response.url())?.get("cursor")).toBeNull();
	await showing(page, "sort=-price");
	const expected = await api<CataloguePage>("/v1/cards?sort=-price&limit=100");
	const shown = await shownIds(page);
	expect(shown).toEqual(idsOf(expected));
	expect([...shown].sort()).toEqual([...before].sort()); // the same cards, in another order
	const prices = await marketPrices(page);
	expect(prices.every((p) => Number.isFinite(p))).toBe(true);
	expect(prices, "highest price first").toEqual([...prices].sort((a, b) => b - a));
	expect(shown, "the order changed").not.toEqual(before);
}

/**
 * A bad price range (min above max): the API's 422 is shown next to the form with its message
 * for query.min_price, the field is marked, the table keeps its rows and the key stays connected.
 * Fixing the range clears the message.
 */
export async function checkBadRange(page: Page, api: ApiGet): Promise<void> {
	const before = await shownIds(page);
	const answered = answerTo(page, (q) => q.get("min_price") === "10" && q.get("max_price") === "5");
	await page.locator("#card-min-price").fill("10");
	await page.locator("#card-max-price").fill("5");
	await page.locator("#card-max-price").press("Enter");
	const response = await answered;
	expect(response.status(), "min_price above max_price is a 422").toBe(422);
	const problem = (await response.json()) as { errors?: { location: string; message: string }[] };
	const message = problem.errors?.find((e) => e.location === "query.min_price")?.message;
	expect(message, "the 422 names query.min_price").toEqual(expect.any(String));
	const shownMessage = page.locator("#search-msg");
	await shownMessage.waitFor({ state: "visible" });
	expect(await shownMessage.textContent()).toContain(`Min price: ${message}`);
	expect(await page.locator("#card-min-price").getAttribute("aria-invalid")).toBe("true");
	expect(await shownIds(page)).toEqual(before);
	expect(await page.locator("#dashboard").isVisible()).toBe(true);
	expect(await page.locator("#banner").isHidden()).toBe(true); // not a lost key
	expect(await page.evaluate(() => sessionStorage.length)).toBe(1);

	// The API's own answer for the same query says the same.
	await expect(api("/v1/cards?min_price=10&max_price=5")).rejects.toThrow(/422/);

	// A new range the API takes (min 20, no max): the message goes, the table follows.
	const fixed = answerTo(page, (q) => q.get("min_price") === "20" && !q.has("max_price"));
	await page.locator("#card-max-price").fill("");
	await page.locator("#card-min-price").fill("20");
	await page.locator("#card-min-price").press("Enter");
	expect((await fixed).status()).toBe(200);
	await showing(page, "min_price=20");
	await shownMessage.waitFor({ state: "hidden" });
	expect(await page.locator("#card-min-price").getAttribute("aria-invalid")).toBeNull();
	const expected = await api<CataloguePage>("/v1/cards?min_price=20&limit=100");
	expect(await shownIds(page)).toEqual(idsOf(expected));
	for (const price of await marketPrices(page)) expect(price).toBeGreaterThanOrEqual(20);
}

/**
 * "Load more" follows next_cursor: with pages of `size` (the test shrinks the page's limit on
 * its way out), each click adds the next page under the rows, until none is left.
 */
export async function checkLoadMore(page: Page, api: ApiGet, size: number): Promise<void> {
	const all = idsOf(await api<CataloguePage>("/v1/cards?limit=100"));
	expect(all.length).toBeGreaterThan(size);
	const more = page.locator("#catalogue-more");
	let shown = size;
	expect(await shownIds(page)).toEqual(all.slice(0, shown));
	while (shown < all.length) {
		expect(await more.isVisible()).toBe(true);
		expect(await page.locator("#catalogue-count").textContent()).toContain(`${shown} shown; more available`);
		const answered = answerTo(page, (q) => q.has("cursor"));
		await more.click();
		expect((await answered).status()).toBe(200);
		shown = Math.min(all.length, shown + size);
		await page
			.locator("#catalogue-rows tr")
			.nth(shown - 1)
			.waitFor({ state: "attached" });
		await page.locator('#catalogue-panel[aria-busy="false"]').waitFor({ state: "attached" });
		expect(await shownIds(page)).toEqual(all.slice(0, shown));
	}
	expect(await more.isHidden()).toBe(true);
	expect(await page.locator("#catalogue-count").textContent()).toMatch(new RegExp(`^${all.length} shown ·`));
}
