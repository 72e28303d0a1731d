import type { Config } from "../config";
import type { ModelVersion } from "../db/models";
import { ApiError } from "../errors";
import type { CardSeries } from "../model/card-series";
import { type Evaluation, evaluateAt, indexOfDate, nearestDates } from "../model/fair-value";
import { type CacheOutcome, memo } from "./cache-memo";
import { modelStore } from "./model-store";

type Stores = { DB: D1Database; ARCHIVE: R2Bucket };
type WaitUntil = (promise: Promise<unknown>) => void;

// Answers never change under a model version (the version is in the key), so they may live long.
const ANSWER_TTL_SECONDS = 86_400;

/** A fair-price answer as the API returns it. */
export type FairPriceResult = Evaluation & { card_id: string; model_version: string };

/** The serving champion, or a 503 problem while none is promoted. */
export async function requireChampion(stores: Stores, config: Config): Promise<ModelVersion> {
	const champion = await modelStore(config).champion(stores);
	if (!champion) {
		throw new ApiError(
			"model_unavailable",
			"No model has been promoted yet. Run `npm start` locally, or the pipeline.",
			{
				headers: { "Retry-After": "60" },
			},
		);
	}
	return champion;
}

/** One card's series under the champion, or a 404 problem naming the card. */
export async function requireCard(
	stores: Stores,
	config: Config,
	cardId: string,
	waitUntil?: WaitUntil,
	known?: ModelVersion,
): Promise<{ champion: ModelVersion; series: CardSeries }> {
	const champion = known ?? (await requireChampion(stores, config));
	const series = await modelStore(config).card(stores, champion.version, cardId, waitUntil);
	if (!series || series.dates.length === 0) {
		throw new ApiError(
			"card_not_found",
			`No card "${cardId}" in model ${champion.version}. GET /v1/cards lists them.`,
			{
				members: { card_id: cardId },
			},
		);
	}
	return { champion, series };
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
	waitUntil?: WaitUntil,
	known?: ModelVersion,
): Promise<FairPriceResult> {
	const { champion, series } = await requireCard(stores, config, cardId, waitUntil, known);
	const index = date === undefined ? series.dates.length - 1 : indexOfDate(series.dates, date);
	if (index < 0) {
		const near = nearestDates(series.dates, date as string);
		throw new ApiError(
			"date_not_found",
			`Card "${cardId}" has no observed price on ${date}. It has ${series.dates.length} dates from ${series.dates[0]} to ${series.dates.at(-1)}` +
				`${near.before ? `; nearest before: ${near.before}` : ""}${near.after ? `; nearest after: ${near.after}` : ""}.`,
			{
				members: {
					card_id: cardId,
					date,
					available_dates: {
						first: series.dates[0],
						last: series.dates.at(-1),
						count: series.dates.length,
						nearest_before: near.before,
						nearest_after: near.after,
						history: `/v1/cards/${cardId}/history`,
					},
				},
			},
		);
	}
	return {
		card_id: cardId,
		...evaluateAt(series.dates, series.prices, index, champion.spec),
		model_version: champion.version,
	};
}

/**
 * `fairPrice` through the memo, keyed by model version, card and date ("latest" when omitted):
 * what the routes call. Only answers are cached; a 404 is computed every time. When the card is
 * already in this isolate's memory, computing the answer takes microseconds, less than a Cache
 * API round trip, so the answer is kept in the isolate only; otherwise the Cache API is asked
 * first, which spares the card read.
 */
export async function memoFairPrice(
	stores: Stores,
	config: Config,
	cardId: string,
	date: string | undefined,
	waitUntil: WaitUntil,
	known?: ModelVersion,
): Promise<{ result: FairPriceResult; cache: CacheOutcome }> {
	const champion = known ?? (await requireChampion(stores, config));
	const key = `${champion.version}/${cardId}/${date ?? "latest"}`;
	const cardInMemory = modelStore(config).hasCard(champion.version, cardId);
	const { value, cache } = await memo(
		waitUntil,
		"fair-price",
		key,
		ANSWER_TTL_SECONDS,
		() => fairPrice(stores, config, cardId, date, waitUntil, champion),
		{ sharedCache: !cardInMemory },
	);
	return { result: value, cache };
}

/** The ETag of a GET fair-price answer: it depends only on the version, the card and the date asked. */
export const fairPriceEtag = (version: string, cardId: string, date: string | undefined) =>
	`"${version}:${cardId}:${date ?? "latest"}"`;
