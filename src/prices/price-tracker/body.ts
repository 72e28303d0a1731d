/** Reading a Price Tracker `/cards` response body into price rows. */
import { z } from "zod";
import { isIsoDate, type PriceRow } from "../../model/card-series";
import type { UniverseCard } from "./universe";

const HistoryPoint = z.object({
	date: z.string(),
	market: z.number().nullable().optional(),
	volume: z.number().nullable().optional(),
});

const CardData = z.looseObject({
	tcgPlayerId: z.union([z.string(), z.number()]).nullable().optional(),
	prices: z
		.looseObject({ market: z.number().nullable().optional(), lastUpdated: z.string().nullable().optional() })
		.nullable()
		.optional(),
	priceHistory: z
		.looseObject({
			conditions: z.record(z.string(), z.looseObject({ history: z.array(HistoryPoint).optional() })).optional(),
		})
		.nullable()
		.optional(),
});
type CardData = z.infer<typeof CardData>;

/** `data` is an object for a tcgPlayerId lookup and an array otherwise. */
const CardBody = z.looseObject({ data: z.union([CardData, z.array(CardData)]) });

/** The price source recorded on live rows. */
export const LIVE_SOURCE = "price-tracker";

/**
 * The card's prices from a response body: the Near Mint history (`priceHistory.conditions
 * ["Near Mint"].history[]`, one row per date, positive `market` only, on or before `runDate`),
 * else `prices.market` dated by `prices.lastUpdated` (else the run date). An error when the body
 * has another shape, the card is not in it, or it has no price at all.
 */
export function parseCardBody(
	body: unknown,
	card: UniverseCard,
	runDate: string,
): { rows: PriceRow[]; fallback: boolean } | { error: string } {
	const parsed = CardBody.safeParse(body);
	if (!parsed.success)
		return { error: `unexpected response shape at ${parsed.error.issues[0]?.path.join(".") || "body"}` };
	const data = parsed.data.data;
	const record: CardData | undefined = Array.isArray(data)
		? data.find((d) => String(d.tcgPlayerId) === card.tcgplayer_id)
		: data;
	if (!record) return { error: `card ${card.tcgplayer_id} is not in the response` };
	const row = (date: string, market_price: number): PriceRow => ({
		card_id: card.card_id,
		card_name: card.name,
		set_name: card.set_name,
		date,
		market_price,
		source: LIVE_SOURCE,
	});
	const byDate = new Map<string, number>();
	for (const point of record.priceHistory?.conditions?.["Near Mint"]?.history ?? []) {
		const date = point.date.slice(0, 10);
		const market = point.market;
		if (isIsoDate(date) && date <= runDate && typeof market === "number" && Number.isFinite(market) && market > 0)
			byDate.set(date, market);
	}
	if (byDate.size > 0) {
		const dates = [...byDate.keys()].sort();
		return { rows: dates.map((d) => row(d, byDate.get(d) as number)), fallback: false };
	}
	const market = record.prices?.market;
	if (typeof market === "number" && Number.isFinite(market) && market > 0) {
		const updated = record.prices?.lastUpdated?.slice(0, 10);
		const date = updated && isIsoDate(updated) && updated <= runDate ? updated : runDate;
		return { rows: [row(date, market)], fallback: true };
	}
	return { error: "no Near Mint history and no market price" };
}
