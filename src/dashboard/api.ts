import { describeFailure, type Failure, networkFailure } from "./problems";
import type { CatalogueCard, CataloguePage } from "./types";

/** A failed API call, with the operator-facing description. */
export class ApiFailure extends Error {
	override name = "ApiFailure";
	constructor(readonly failure: Failure) {
		super(failure.message);
	}
}

/** The longest Retry-After the catalogue pager waits out by itself before giving up. */
const MAX_PAGER_WAIT_SECONDS = 30;
const PAGE_SIZE = 100;

/** The public API, same origin, with the operator's key in `X-API-Key` on every call. */
export class Api {
	constructor(private readonly key: string) {}

	/** GETs a JSON answer; throws ApiFailure for a problem, a network error or a non-JSON body. */
	async get<T>(path: string): Promise<T> {
		let res: Response;
		try {
			res = await fetch(path, {
				headers: { "X-API-Key": this.key, Accept: "application/json" },
				cache: "no-store",
				credentials: "omit",
			});
		} catch (error) {
			throw new ApiFailure(networkFailure(error));
		}
		const text = await res.text();
		let body: unknown = null;
		try {
			body = text ? JSON.parse(text) : null;
		} catch {
			// not JSON: described below
		}
		if (!res.ok) throw new ApiFailure(describeFailure(res.status, body, res.headers.get("Retry-After")));
		if (!body || typeof body !== "object")
			throw new ApiFailure({ kind: "other", status: res.status, message: `The API answered ${path} with no JSON.` });
		return body as T;
	}

	/**
	 * Every page of the catalogue. A short rate-limit wait (Retry-After up to 30 s) is waited out,
	 * reported through `onWait`; a longer one fails like any other problem.
	 */
	async allCards(
		onWait: (seconds: number) => void = () => {},
	): Promise<{ cards: CatalogueCard[]; modelVersion?: string }> {
		const cards: CatalogueCard[] = [];
		let cursor: string | null = null;
		let modelVersion: string | undefined;
		let waits = 0; // consecutive rate-limit waits; a few in a row and the pager gives up
		for (;;) {
			const query: string = `/v1/cards?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
			let page: CataloguePage;
			try {
				page = await this.get<CataloguePage>(query);
			} catch (error) {
				const wait = error instanceof ApiFailure ? error.failure.retryAfterSeconds : undefined;
				if (
					error instanceof ApiFailure &&
					error.failure.kind === "rate_limited" &&
					wait !== undefined &&
					wait <= MAX_PAGER_WAIT_SECONDS &&
					waits++ < 3
				) {
					onWait(wait);
					await new Promise((resolve) => setTimeout(resolve, wait * 1000));
					continue;
				}
				throw error;
			}
			waits = 0;
			if (Array.isArray(page.items)) cards.push(...page.items.filter((c) => typeof c?.card_id === "string"));
			modelVersion ??= typeof page.model_version === "string" ? page.model_version : undefined;
			cursor = typeof page.next_cursor === "string" && page.next_cursor ? page.next_cursor : null;
			if (!cursor) break;
		}
		return modelVersion === undefined ? { cards } : { cards, modelVersion };
	}
}
