import { describeFailure, type Failure, networkFailure } from "./problems";
import type { TrackRecordEntry, TrackRecordPage, TrackRecordSummary } from "./types";

/** A card's track record as the chart reads it; `complete` is false when only the newest pages were read. */
export type CardRecord = { items: TrackRecordEntry[]; summary?: TrackRecordSummary; complete: boolean };

/** A failed API call, with the operator-facing description. */
export class ApiFailure extends Error {
	override name = "ApiFailure";
	constructor(readonly failure: Failure) {
		super(failure.message);
	}
}

/** The longest Retry-After the pager waits out by itself before giving up. */
const MAX_PAGER_WAIT_SECONDS = 30;
const PAGE_SIZE = 100;
/** A card's track record is read up to this many pages (one answer a night: over two years). */
const RECORD_PAGES = 8;

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
	 * Every page of a list, from `path` (which has a query) to the page with no `next_cursor`, or
	 * `maxPages` of them. A short rate-limit wait (Retry-After up to 30 s) is waited out, reported
	 * through `onWait`; a longer one fails like any other problem. Answers whether it read them all.
	 */
	async pages<P extends { next_cursor?: string | null }>(
		path: string,
		onPage: (page: P) => void,
		options: { onWait?: (seconds: number) => void; maxPages?: number } = {},
	): Promise<boolean> {
		let cursor: string | null = null;
		let waits = 0; // consecutive rate-limit waits; a few in a row and the pager gives up
		for (let read = 0; read < (options.maxPages ?? Number.POSITIVE_INFINITY); ) {
			let page: P;
			try {
				page = await this.get<P>(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
			} catch (error) {
				const wait = error instanceof ApiFailure ? error.failure.retryAfterSeconds : undefined;
				if (
					error instanceof ApiFailure &&
					error.failure.kind === "rate_limited" &&
					wait !== undefined &&
					wait <= MAX_PAGER_WAIT_SECONDS &&
					waits++ < 3
				) {
					options.onWait?.(wait);
					await new Promise((resolve) => setTimeout(resolve, wait * 1000));
					continue;
				}
				throw error;
			}
			waits = 0;
			read++;
			onPage(page);
			cursor = typeof page.next_cursor === "string" && page.next_cursor ? page.next_cursor : null;
			if (!cursor) return true;
		}
		return false;
	}

	/**
	 * A card's track record: what the runs published for it, newest run first, up to
	 * `RECORD_PAGES` pages, with the summary over all of it (from the first page).
	 */
	async cardRecord(cardId: string): Promise<CardRecord> {
		const items: TrackRecordEntry[] = [];
		let summary: TrackRecordSummary | undefined;
		const complete = await this.pages<TrackRecordPage>(
			`/v1/track-record?card_id=${encodeURIComponent(cardId)}&limit=${PAGE_SIZE}`,
			(page) => {
				summary ??= page.summary && typeof page.summary === "object" ? page.summary : undefined;
				if (Array.isArray(page.data)) items.push(...page.data.filter((r) => r?.card_id === cardId));
			},
			{ maxPages: RECORD_PAGES },
		);
		return { items, complete, ...(summary ? { summary } : {}) };
	}
}
