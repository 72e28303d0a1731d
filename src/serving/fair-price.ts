/**
 * Fair-price answers: what the published model says of a card on a day. The latest day comes
 * straight from the card's served row; another day from its served history. Every answer
 * speaks the forecast: `fair_price` is the expected price at the horizon, `p_up` / `p_down`
 * the probabilities of a first passage up or down (null for a rule), and the evidence and the
 * reason behind a HOLD.
 */
import type { Config } from "../config";
import type { ServingCard, ServingState } from "../db/serving";
import { ApiError } from "../errors";
import { type CacheOutcome, memo } from "../lib/cache-memo";
import { deviationOf, reasonOfCode, signalOfAnswerCode } from "../model/answers";
import { evidenceAt } from "../model/card-features";
import { indexOfDate, nearestDates } from "../model/dates";
import type { Signal } from "../model/signal";
import { type CardFactsView, cardFacts } from "./card-facts";
import { type HistoryLine, servingStore } from "./serving-store";

type Stores = { DB: D1Database; ARCHIVE: R2Bucket };
type WaitUntil = (promise: Promise<unknown>) => void;

// Answers never change under a publishing run (its id is in the key), so they may live long.
const ANSWER_TTL_SECONDS = 86_400;

/** A fair-price answer as the API returns it: the day's answer, and what the card is. */
export type FairPriceResult = DayAnswerResult & CardFactsView;

/** One day's answer about a card. */
export type DayAnswerResult = {
	card_id: string;
	date: string;
	market_price: number;
	fair_price: number;
	deviation_pct: number | null;
	signal: Signal;
	p_up: number | null;
	p_down: number | null;
	horizon_days: number;
	move: number;
	evidence: { observations: number; days_since_change: number };
	reason: string | null;
	model_version: string;
};

/** What serves, or a 503 problem before any run has published. */
export async function requireServing(stores: Stores, config: Config): Promise<ServingState> {
	const state = await servingStore(config).state(stores);
	if (!state)
		throw new ApiError(
			"model_unavailable",
			"No run has published prices yet. Run `npm start` locally, or the pipeline.",
			{
				headers: { "Retry-After": "60" },
			},
		);
	return state;
}

/** A card's served row, or a 404 problem naming the card. */
export async function requireCard(
	stores: Stores,
	config: Config,
	cardId: string,
	known?: ServingState,
): Promise<{ state: ServingState; card: ServingCard }> {
	const state = known ?? (await requireServing(stores, config));
	const card = await servingStore(config).card(stores, state.epoch, cardId);
	if (!card)
		throw new ApiError("card_not_found", `No card "${cardId}" is served. GET /v1/cards lists them.`, {
			members: { card_id: cardId },
		});
	return { state, card };
}

/** A card's served history, or a 503 when its object cannot be read. */
export async function requireHistory(stores: Stores, config: Config, card: ServingCard): Promise<HistoryLine> {
	const line = await servingStore(config).history(stores, card);
	if (!line) throw new Error(`served history ${card.object_key} @${card.byte_offset} is missing`);
	return line;
}

/** The answer of day `index` of a history. */
export function answerOfDay(
	line: HistoryLine,
	index: number,
	config: Pick<Config, "HORIZON_DAYS" | "HORIZON_MOVE">,
): DayAnswerResult {
	const code = line.codes[index] ?? "N";
	const price = line.prices[index] as number;
	const fair = line.fair[index] as number;
	return {
		card_id: line.card_id,
		date: line.dates[index] as string,
		market_price: price,
		fair_price: fair,
		deviation_pct: deviationOf(price, fair),
		signal: signalOfAnswerCode(code),
		p_up: line.p_up?.[index] ?? null,
		p_down: line.p_down?.[index] ?? null,
		horizon_days: line.horizon_days ?? config.HORIZON_DAYS,
		move: line.move ?? config.HORIZON_MOVE,
		evidence: evidenceAt(line.dates, line.prices, index),
		reason:
			code === "B" || code === "S"
				? null
				: (reasonOfCode(code, { min_price: line.min_price, move: line.move, horizon_days: line.horizon_days }) ?? null),
		model_version: line.model_version,
	};
}

/** The latest answer, straight from the served row. */
export function answerOfRow(card: ServingCard, config: Pick<Config, "HORIZON_DAYS" | "HORIZON_MOVE">): FairPriceResult {
	return {
		card_id: card.card_id,
		date: card.latest_date,
		market_price: card.market_price,
		fair_price: card.fair_price,
		deviation_pct: card.deviation_pct,
		signal: card.signal,
		p_up: card.p_up,
		p_down: card.p_down,
		horizon_days: config.HORIZON_DAYS,
		move: config.HORIZON_MOVE,
		evidence: { observations: card.observations, days_since_change: card.days_since_change },
		reason: card.reason,
		model_version: card.model_version,
		...cardFacts(card),
	};
}

/**
 * The fair price of a card on `date` (its latest observed date when omitted). A date with no
 * observed price is a 404 whose body says which dates exist.
 */
export async function fairPrice(
	stores: Stores,
	config: Config,
	cardId: string,
	date: string | undefined,
	known?: ServingState,
): Promise<FairPriceResult> {
	const { card } = await requireCard(stores, config, cardId, known);
	if (date === undefined || date === card.latest_date) return answerOfRow(card, config);
	const line = await requireHistory(stores, config, card);
	const index = indexOfDate(line.dates, date);
	if (index < 0) {
		const near = nearestDates(line.dates, date);
		throw new ApiError(
			"date_not_found",
			`Card "${cardId}" has no observed price on ${date}. It has ${line.dates.length} dates from ${line.dates[0]} to ${line.dates.at(-1)}` +
				`${near.before ? `; nearest before: ${near.before}` : ""}${near.after ? `; nearest after: ${near.after}` : ""}.`,
			{
				members: {
					card_id: cardId,
					date,
					available_dates: {
						first: line.dates[0],
						last: line.dates.at(-1),
						count: line.dates.length,
						nearest_before: near.before,
						nearest_after: near.after,
						history: `/v1/cards/${cardId}/history`,
					},
				},
			},
		);
	}
	return { ...answerOfDay(line, index, config), ...cardFacts(card) };
}

/**
 * `fairPrice` through the memo, keyed by the publishing run, card and date ("latest" when
 * omitted): what the routes call. Only answers are cached; a 404 is computed every time. When the
 * card's row is already in this isolate, the answer is computed (microseconds) rather than
 * fetched from the Cache API.
 */
export async function memoFairPrice(
	stores: Stores,
	config: Config,
	cardId: string,
	date: string | undefined,
	waitUntil: WaitUntil,
	known?: ServingState,
): Promise<{ result: FairPriceResult; cache: CacheOutcome }> {
	const state = known ?? (await requireServing(stores, config));
	const key = `${state.epoch}/${cardId}/${date ?? "latest"}`;
	const inMemory = servingStore(config).hasCard(state.epoch, cardId);
	const { value, cache } = await memo(
		waitUntil,
		"fair-price",
		key,
		ANSWER_TTL_SECONDS,
		() => fairPrice(stores, config, cardId, date, state),
		{ sharedCache: !inMemory },
	);
	return { result: value, cache };
}

/** The ETag of a GET fair-price answer: it depends only on the publishing epoch, the card and the date asked. */
export const fairPriceEtag = (epoch: string, cardId: string, date: string | undefined) =>
	`"${epoch}:${cardId}:${date ?? "latest"}"`;
