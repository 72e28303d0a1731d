/**
 * The catalogue as the server searches and pages it: the newest search wins (an answer to an
 * older one is dropped, even if it arrives last), "more" follows the shown results' next_cursor
 * with their own query (a cursor is only valid with the sort it was issued for), and a failed
 * search leaves the shown results as they were. No DOM: the panel renders what this answers.
 */
import { cataloguePath, PAGE_SIZE } from "./search";
import type { CatalogueCard, CataloguePage } from "./types";

/** The results on show: the query they answer, every card read so far and where the next page starts. */
export type Shown = {
	query: string;
	cards: CatalogueCard[];
	nextCursor: string | null;
	modelVersion: string | null;
	dataAsOf: string | null;
};

/**
 * What a search or "more" came to: `shown` with the cards it `added` (after the shown ones when
 * `appended`), `stale` when a newer request took over, `skipped` when there was nothing to ask
 * (the same search again, no next page, a page already being read), or `failed`.
 */
export type Outcome =
	| { status: "shown"; shown: Shown; added: CatalogueCard[]; appended: boolean }
	| { status: "stale" }
	| { status: "skipped" }
	| { status: "failed"; error: unknown };

const STALE: Outcome = { status: "stale" };
const SKIPPED: Outcome = { status: "skipped" };

const text = (v: unknown) => (typeof v === "string" && v ? v : null);

/** Searches and pages the catalogue through `read` (a GET of a path answering a CataloguePage). */
export class CatalogueSearch {
	/** Results on show; null before the first answer. */
	shown: Shown | null = null;
	/** Bumped by every request and by cancel(): only the newest request's answer is used. */
	#ticket = 0;
	/** The query of the request in flight, or null. */
	#inFlight: string | null = null;

	constructor(
		private readonly read: (path: string) => Promise<CataloguePage>,
		private readonly pageSize = PAGE_SIZE,
	) {}

	/** Whether a page is being read. */
	get busy(): boolean {
		return this.#inFlight !== null;
	}

	/**
	 * The first page of `query`. Skipped when that search is already in flight, or already shown
	 * with nothing in flight, unless `force` (a refresh).
	 */
	search(query: string, options: { force?: boolean } = {}): Promise<Outcome> {
		if (!options.force && (this.#inFlight === query || (this.#inFlight === null && this.shown?.query === query)))
			return Promise.resolve(SKIPPED);
		return this.#request(query, null, null);
	}

	/** The next page of the shown results, added after them; skipped while a page is being read or when there is none. */
	more(): Promise<Outcome> {
		const base = this.shown;
		if (this.busy || !base?.nextCursor) return Promise.resolve(SKIPPED);
		return this.#request(base.query, base.nextCursor, base);
	}

	/** Drops whatever is in flight (its answer will be stale); the shown results stay. */
	cancel(): void {
		this.#ticket++;
		this.#inFlight = null;
	}

	/** Drops what is in flight and the shown results (the table was cleared). */
	clear(): void {
		this.cancel();
		this.shown = null;
	}

	async #request(query: string, cursor: string | null, base: Shown | null): Promise<Outcome> {
		const ticket = ++this.#ticket;
		this.#inFlight = query;
		let page: CataloguePage;
		try {
			page = await this.read(cataloguePath(query, cursor, this.pageSize));
		} catch (error) {
			if (ticket !== this.#ticket) return STALE;
			this.#inFlight = null;
			return { status: "failed", error };
		}
		if (ticket !== this.#ticket) return STALE;
		this.#inFlight = null;
		const added = Array.isArray(page.data) ? page.data.filter((c) => typeof c?.card_id === "string") : [];
		const nextCursor = text(page.next_cursor);
		this.shown = base
			? { ...base, cards: [...base.cards, ...added], nextCursor }
			: {
					query,
					cards: added,
					nextCursor,
					modelVersion: text(page.model_version),
					dataAsOf: text(page.data_as_of),
				};
		return { status: "shown", shown: this.shown, added, appended: base !== null };
	}
}
