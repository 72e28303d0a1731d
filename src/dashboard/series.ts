import { type RecordMarks, recordMarks } from "./record-marks";
import type { HistoryPoint, TrackRecordEntry } from "./types";

/**
 * A card's history as uPlot's column arrays, with the BUY and SELL days as separate marker
 * series and the card's published answers marked by how they turned out.
 */
export type ChartData = {
	/** Days as Unix seconds (UTC midnight). */
	x: number[];
	/** The same days as `YYYY-MM-DD`. */
	days: string[];
	market: number[];
	/** The model's expected price at the horizon. */
	fair: number[];
	/** The market price on BUY days, null elsewhere. */
	buy: (number | null)[];
	/** The market price on SELL days, null elsewhere. */
	sell: (number | null)[];
	buyDays: number;
	sellDays: number;
	/** The card's track record on these days. */
	record: RecordMarks;
	from: string | null;
	to: string | null;
};

const isPrice = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Unix seconds of a `YYYY-MM-DD` day at UTC midnight, or NaN. */
export const dayToSeconds = (date: string) =>
	/^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) / 1000 : Number.NaN;

/**
 * The chart's data from history points and the card's track record: points without a valid
 * date or prices are left out (the page shows what it can), and the rest are put in date order.
 */
export function chartData(points: readonly HistoryPoint[], records: readonly TrackRecordEntry[] = []): ChartData {
	const usable = points
		.filter((p) => typeof p.date === "string" && isPrice(p.market_price) && isPrice(p.fair_price))
		.map((p) => ({ ...p, t: dayToSeconds(p.date) }))
		.filter((p) => Number.isFinite(p.t))
		.sort((a, b) => a.t - b.t);
	const data: Omit<ChartData, "record"> = {
		x: [],
		days: [],
		market: [],
		fair: [],
		buy: [],
		sell: [],
		buyDays: 0,
		sellDays: 0,
		from: usable[0]?.date ?? null,
		to: usable.at(-1)?.date ?? null,
	};
	for (const p of usable) {
		data.x.push(p.t);
		data.days.push(p.date);
		data.market.push(p.market_price);
		data.fair.push(p.fair_price);
		data.buy.push(p.signal === "BUY" ? p.market_price : null);
		data.sell.push(p.signal === "SELL" ? p.market_price : null);
		if (p.signal === "BUY") data.buyDays++;
		if (p.signal === "SELL") data.sellDays++;
	}
	return { ...data, record: recordMarks(data.days, data.market, records) };
}
