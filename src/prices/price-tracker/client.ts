/**
 * The Pokémon Price Tracker API v2 client the live source collects with: one
 * `GET /cards?tcgPlayerId=…&limit=1` per card (credits are billed on `limit`, so it is always
 * exactly 1), with `includeHistory=true&days=N` (a second credit) only for a card the history
 * has never seen; `Authorization: Bearer <PRICE_TRACKER_API_KEY>`.
 * - 401/403: the key is refused; nothing else can succeed, so the whole collection stops.
 * - 429: waits for Retry-After (else X-RateLimit-Minute-Reset) and retries.
 * - 5xx, timeouts, network errors and malformed bodies: retried with exponential backoff.
 * - other 4xx: the card fails without retry.
 * - X-RateLimit-Daily-Remaining at or below the reserve: stop asking; later cards are skipped.
 */
import type { OutcomeRow } from "../../db/run-records";
import type { PriceRow } from "../../model/card-series";
import { parseCardBody } from "./body";
import type { UniverseCard } from "./universe";

/** How the client talks to the API. */
export type TrackerOptions = {
	baseUrl: string;
	apiKey: string;
	days: number;
	timeoutMs: number;
	maxRetries: number;
	backoffMs: number;
	maxWaitSeconds: number;
	dailyReserve: number;
	/** Only prices on or before this date are kept. */
	runDate: string;
};

/** The API refused the key (401/403): no card can be collected. */
export class UpstreamAuthError extends Error {
	override name = "UpstreamAuthError";
	constructor(readonly status: number) {
		super(`the Price Tracker API refused the key (HTTP ${status}); check PRICE_TRACKER_API_KEY`);
	}
}

/** One card's result: its outcome, its rows, and what the API said about the day's credits. */
export type CardResult = { outcome: OutcomeRow; rows: PriceRow[]; dailyRemaining: number | null; stop: string | null };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The URL of one card's request: with `days` of history, or (null) today's price alone. */
export function cardUrl(baseUrl: string, tcgPlayerId: string, days: number | null): string {
	const params = new URLSearchParams(
		days === null
			? { tcgPlayerId, limit: "1" }
			: { tcgPlayerId, includeHistory: "true", days: String(days), limit: "1" },
	);
	return `${baseUrl}/cards?${params}`;
}

const headerNumber = (res: Response, name: string) => {
	const raw = res.headers.get(name);
	const n = raw === null || raw.trim() === "" ? Number.NaN : Number(raw);
	return Number.isFinite(n) ? n : null;
};

/** Seconds a 429 asks us to wait: Retry-After (seconds or HTTP date), else X-RateLimit-Minute-Reset. */
export function waitSeconds(res: Response, nowMs = Date.now()): number | null {
	const retryAfter = res.headers.get("Retry-After");
	if (retryAfter !== null) {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, seconds);
		const at = Date.parse(retryAfter);
		if (!Number.isNaN(at)) return Math.max(0, (at - nowMs) / 1000);
	}
	const reset = headerNumber(res, "X-RateLimit-Minute-Reset");
	// An epoch timestamp (seconds) or a number of seconds from now.
	if (reset !== null) return Math.max(0, reset > 1e9 ? reset - nowMs / 1000 : reset);
	return null;
}

/**
 * Fetches one card (with its history when `withHistory`), retrying as the rules above say.
 * Throws UpstreamAuthError on 401/403.
 */
export async function fetchCard(card: UniverseCard, options: TrackerOptions, withHistory = true): Promise<CardResult> {
	const outcome: OutcomeRow = {
		card_id: card.card_id,
		tcgplayer_id: card.tcgplayer_id,
		status: "failed",
		points: 0,
		attempts: 0,
		http_status: null,
		error: null,
	};
	let dailyRemaining: number | null = null;
	const done = (rows: PriceRow[], stop: string | null = null): CardResult => ({ outcome, rows, dailyRemaining, stop });
	for (let attempt = 1; attempt <= options.maxRetries + 1; attempt++) {
		outcome.attempts = attempt;
		const retryable = attempt <= options.maxRetries;
		let res: Response;
		try {
			res = await fetch(cardUrl(options.baseUrl, card.tcgplayer_id, withHistory ? options.days : null), {
				headers: { Authorization: `Bearer ${options.apiKey}`, Accept: "application/json" },
				signal: AbortSignal.timeout(options.timeoutMs),
			});
		} catch (error) {
			outcome.http_status = null;
			outcome.error =
				(error as Error).name === "TimeoutError" ? `timed out after ${options.timeoutMs} ms` : String(error);
			if (retryable) await sleep(options.backoffMs * 2 ** (attempt - 1));
			continue;
		}
		outcome.http_status = res.status;
		dailyRemaining = headerNumber(res, "X-RateLimit-Daily-Remaining") ?? dailyRemaining;
		const lowCredits =
			dailyRemaining !== null && dailyRemaining <= options.dailyReserve
				? `daily credits low (${dailyRemaining} left, reserve ${options.dailyReserve})`
				: null;
		if (res.status === 401 || res.status === 403) {
			await res.body?.cancel();
			throw new UpstreamAuthError(res.status);
		}
		if (res.status === 429) {
			await res.body?.cancel();
			const wait = waitSeconds(res) ?? (options.backoffMs * 2 ** (attempt - 1)) / 1000;
			outcome.error = `rate limited (HTTP 429, wait ${Math.ceil(wait)} s)`;
			if (lowCredits) return done([], lowCredits);
			if (wait > options.maxWaitSeconds) return done([], `rate limited for ${Math.ceil(wait)} s`);
			if (retryable) await sleep(wait * 1000);
			continue;
		}
		if (res.status >= 500) {
			await res.body?.cancel();
			outcome.error = `upstream error (HTTP ${res.status})`;
			if (lowCredits) return done([], lowCredits);
			if (retryable) await sleep(options.backoffMs * 2 ** (attempt - 1));
			continue;
		}
		if (!res.ok) {
			await res.body?.cancel();
			outcome.error = `refused (HTTP ${res.status})`;
			return done([], lowCredits);
		}
		let body: unknown;
		try {
			body = JSON.parse(await res.text());
		} catch {
			// A body cut off in transit reads the same as a malformed one: retried like a 5xx.
			outcome.error = "malformed JSON in the response";
			if (lowCredits) return done([], lowCredits);
			if (retryable) await sleep(options.backoffMs * 2 ** (attempt - 1));
			continue;
		}
		const parsed = parseCardBody(body, card, options.runDate);
		if ("error" in parsed) {
			outcome.error = parsed.error;
			return done([], lowCredits);
		}
		outcome.status = "ok";
		outcome.error = parsed.fallback && withHistory ? "no Near Mint history; used prices.market" : null;
		outcome.points = parsed.rows.length;
		return done(parsed.rows, lowCredits);
	}
	return done([]);
}

/**
 * Collects `cards` in order, each with its history unless `seen` holds it (the history already
 * has it: today's price is enough). Stops early (the rest are `skipped`) once the day's credits
 * run low or a 429 asks for a longer wait than allowed; `stopped` says why.
 */
export async function collectCards(
	cards: readonly UniverseCard[],
	options: TrackerOptions,
	initial: { dailyRemaining: number | null; stopped: string | null } = { dailyRemaining: null, stopped: null },
	seen: ReadonlySet<string> = new Set(),
): Promise<{ rows: PriceRow[]; outcomes: OutcomeRow[]; dailyRemaining: number | null; stopped: string | null }> {
	const rows: PriceRow[] = [];
	const outcomes: OutcomeRow[] = [];
	let { dailyRemaining, stopped } = initial;
	for (const card of cards) {
		if (stopped) {
			outcomes.push({
				card_id: card.card_id,
				tcgplayer_id: card.tcgplayer_id,
				status: "skipped",
				points: 0,
				attempts: 0,
				http_status: null,
				error: `not asked: ${stopped}`,
			});
			continue;
		}
		const result = await fetchCard(card, options, !seen.has(card.card_id));
		rows.push(...result.rows);
		outcomes.push(result.outcome);
		dailyRemaining = result.dailyRemaining ?? dailyRemaining;
		stopped = result.stop;
	}
	return { rows, outcomes, dailyRemaining, stopped };
}
