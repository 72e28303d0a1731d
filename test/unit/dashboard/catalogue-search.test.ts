import { describe, expect, it } from "vitest";
import { CatalogueSearch, type Outcome } from "../../../src/dashboard/catalogue-search";
import type { CataloguePage } from "../../../src/dashboard/types";

/** A `read` whose answers the test gives by hand, in any order. */
function manualApi() {
	const calls: { path: string; answer: (page: CataloguePage) => void; fail: (error: unknown) => void }[] = [];
	const read = (path: string) =>
		new Promise<CataloguePage>((answer, fail) => {
			calls.push({ path, answer, fail });
		});
	return { read, calls };
}

const page = (ids: string[], next: string | null = null): CataloguePage => ({
	data: ids.map((card_id) => ({ card_id, name: card_id })),
	next_cursor: next,
	model_version: "m1",
	data_as_of: "2026-11-26",
});

const ids = (o: Outcome) => (o.status === "shown" ? o.shown.cards.map((c) => c.card_id) : o.status);

describe("the catalogue search", () => {
	it("shows the first page of a search, with what it was published with", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const done = search.search("q=charizard");
		expect(search.busy).toBe(true);
		expect(calls.map((c) => c.path)).toEqual(["/v1/cards?q=charizard&limit=50"]);
		calls[0]?.answer(page(["a", "b"], "c1"));
		const outcome = await done;
		expect(outcome).toMatchObject({ status: "shown", appended: false });
		expect(search.shown).toEqual({
			query: "q=charizard",
			cards: [
				{ card_id: "a", name: "a" },
				{ card_id: "b", name: "b" },
			],
			nextCursor: "c1",
			modelVersion: "m1",
			dataAsOf: "2026-11-26",
		});
		expect(search.busy).toBe(false);
	});

	it("drops an older search's answer when a newer one was sent, whichever arrives first", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const older = search.search("q=char");
		const newer = search.search("q=charizard");
		calls[1]?.answer(page(["charizard"]));
		calls[0]?.answer(page(["charmander", "charizard"])); // the slow, older answer lands last
		expect(ids(await older)).toBe("stale");
		expect(ids(await newer)).toEqual(["charizard"]);
		expect(search.shown?.query).toBe("q=charizard");
	});

	it("drops an older search's failure too, and keeps the shown results when the newest fails", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const first = search.search("");
		calls[0]?.answer(page(["a", "b"]));
		await first;
		const older = search.search("min_price=1");
		const newer = search.search("min_price=10&max_price=5");
		calls[1]?.fail(new Error("older"));
		calls[2]?.fail(new Error("422"));
		expect(await older).toEqual({ status: "stale" });
		expect(await newer).toEqual({ status: "failed", error: new Error("422") });
		expect(search.shown?.cards.map((c) => c.card_id)).toEqual(["a", "b"]);
		expect(search.shown?.query).toBe("");
		expect(search.busy).toBe(false);
	});

	it("skips a search already shown or in flight, unless forced (a refresh)", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const first = search.search("q=umbreon");
		expect(await search.search("q=umbreon")).toEqual({ status: "skipped" }); // in flight
		calls[0]?.answer(page(["u"]));
		await first;
		expect(await search.search("q=umbreon")).toEqual({ status: "skipped" }); // shown
		const again = search.search("q=umbreon", { force: true });
		expect(calls).toHaveLength(2);
		calls[1]?.answer(page(["u"]));
		expect(ids(await again)).toEqual(["u"]);
	});

	it("asks again for the shown search when another was sent after it (back to what was typed before)", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const first = search.search("q=pika");
		calls[0]?.answer(page(["p"]));
		await first;
		const typed = search.search("q=pikac");
		const back = search.search("q=pika"); // the answer to q=pikac must not replace it
		calls[1]?.answer(page([]));
		calls[2]?.answer(page(["p"]));
		expect(await typed).toEqual({ status: "stale" });
		expect(ids(await back)).toEqual(["p"]);
		expect(search.shown?.query).toBe("q=pika");
	});

	it("follows next_cursor with the shown results' query, adding the next page after them", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read, 2);
		const first = search.search("sort=-price");
		calls[0]?.answer(page(["a", "b"], "cursor/1"));
		await first;
		const more = search.more();
		expect(await search.more()).toEqual({ status: "skipped" }); // one page at a time
		expect(calls[1]?.path).toBe("/v1/cards?sort=-price&limit=2&cursor=cursor%2F1");
		calls[1]?.answer({ ...page(["c"]), model_version: "other" });
		const outcome = await more;
		expect(outcome).toMatchObject({ status: "shown", appended: true, added: [{ card_id: "c" }] });
		expect(ids(outcome)).toEqual(["a", "b", "c"]);
		expect(search.shown).toMatchObject({ nextCursor: null, modelVersion: "m1" });
		expect(await search.more()).toEqual({ status: "skipped" }); // no next page
	});

	it("drops a next page when a new search was sent meanwhile", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const first = search.search("");
		calls[0]?.answer(page(["a"], "c1"));
		await first;
		const more = search.more();
		const typed = search.search("q=groudon");
		calls[1]?.answer(page(["b"]));
		calls[2]?.answer(page(["groudon"]));
		expect(await more).toEqual({ status: "stale" });
		expect(ids(await typed)).toEqual(["groudon"]);
		expect(search.shown?.nextCursor).toBeNull();
	});

	it("drops what is in flight on cancel() (a disconnect), and ignores rows with no card id", async () => {
		const { read, calls } = manualApi();
		const search = new CatalogueSearch(read);
		const pending = search.search("");
		search.cancel();
		expect(search.busy).toBe(false);
		calls[0]?.answer(page(["a"]));
		expect(await pending).toEqual({ status: "stale" });
		expect(search.shown).toBeNull();
		const next = search.search("");
		calls[1]?.answer({ data: [{ card_id: "a" }, { name: "no id" } as never, null as never], next_cursor: "" });
		expect(ids(await next)).toEqual(["a"]);
		expect(search.shown).toMatchObject({ nextCursor: null, modelVersion: null, dataAsOf: null });
		search.clear();
		expect(search.shown).toBeNull();
		expect(await search.more()).toEqual({ status: "skipped" });
	});
});
