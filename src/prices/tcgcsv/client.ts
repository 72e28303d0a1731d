/**
 * The TCGCSV client, polite as the feed's maintainer asks: every request carries
 * TCGCSV_USER_AGENT; requests go one at a time, TCGCSV_REQUEST_SPACING_MS apart; a 429, a 5xx,
 * a timeout, a network error or a malformed body is retried with exponential backoff (a 429's
 * Retry-After is honoured, up to a minute); a 404 or another 4xx is not retried. Requests are
 * counted against a budget shared by the whole day's runs, and none is made past it.
 */
import type { z } from "zod";
import { FeedShapeError, parseFeed } from "./shapes";

/** How the client talks to the feed. */
export type FeedOptions = {
	baseUrl: string;
	userAgent: string;
	spacingMs: number;
	timeoutMs: number;
	maxRetries: number;
	backoffMs: number;
};

/** What one logical request gave after its retries. */
export type FeedAnswer<T> =
	| { ok: true; value: T; text: string; status: number; attempts: number }
	| { ok: false; status: number | null; error: string; attempts: number };

/** The most a 429's Retry-After is waited for. */
const MAX_RETRY_AFTER_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Requests left for today: the client makes none once it is spent. */
export type RequestBudget = { remaining: number };

/** One client per step: it spaces and counts its own requests. */
export class FeedClient {
	/** Requests sent (attempts, retries included). */
	requests = 0;
	#nextAt = 0;

	constructor(
		readonly options: FeedOptions,
		private readonly budget: RequestBudget = { remaining: Number.POSITIVE_INFINITY },
	) {}

	/** The feed's URL of a path (`/tcgplayer/3/groups`). */
	url(path: string): string {
		return `${this.options.baseUrl}${path}`;
	}

	/** GETs a path and parses it with `parse`, retrying as the rules above say. */
	async get<T>(path: string, parse: (text: string) => T): Promise<FeedAnswer<T>> {
		let attempts = 0;
		let last: { status: number | null; error: string } = { status: null, error: "not requested" };
		for (let retry = 0; retry <= this.options.maxRetries; retry++) {
			if (this.budget.remaining <= 0)
				return {
					ok: false,
					status: null,
					error: "the day's feed request budget (TCGCSV_DAILY_REQUESTS) is spent",
					attempts,
				};
			const wait = this.#nextAt - Date.now();
			if (wait > 0) await sleep(wait);
			this.#nextAt = Date.now() + this.options.spacingMs;
			this.budget.remaining--;
			this.requests++;
			attempts++;
			let backoff = this.options.backoffMs * 2 ** retry;
			try {
				const res = await fetch(this.url(path), {
					headers: { "User-Agent": this.options.userAgent, Accept: "application/json, text/plain" },
					signal: AbortSignal.timeout(this.options.timeoutMs),
				});
				const text = await res.text();
				if (res.ok) {
					try {
						return { ok: true, value: parse(text), text, status: res.status, attempts };
					} catch (error) {
						if (!(error instanceof FeedShapeError)) throw error;
						last = { status: res.status, error: error.message };
					}
				} else {
					last = { status: res.status, error: `HTTP ${res.status} from ${path}` };
					if (res.status !== 429 && res.status < 500) return { ok: false, ...last, attempts };
					const after = Number(res.headers.get("Retry-After"));
					if (res.status === 429 && Number.isFinite(after) && after >= 0)
						backoff = Math.min(MAX_RETRY_AFTER_MS, Math.max(backoff, after * 1000));
				}
			} catch (error) {
				const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
				last = {
					status: null,
					error: timedOut ? `timed out after ${this.options.timeoutMs} ms: ${path}` : `${path}: ${String(error)}`,
				};
			}
			if (retry < this.options.maxRetries) await sleep(backoff);
		}
		return { ok: false, ...last, attempts };
	}

	/** GETs a JSON path checked against one of the feed's schemas. */
	getJson<T>(path: string, schema: z.ZodType<T>): Promise<FeedAnswer<T>> {
		return this.get(path, (text) => parseFeed(schema, text, path));
	}
}
