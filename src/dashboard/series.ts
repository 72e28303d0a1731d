import type { HistoryPoint } from "./types";

/** A card's history as uPlot's column arrays, with the BUY and SELL days as separate marker series. */
export type ChartData = {
	/** Days as Unix seconds (UTC midnight). */
	x: number[];
	market: number[];
	fair: number[];
	/** The market price on BUY days, null elsewhere. */
	buy: (number | null)[];
	/** The market price on SELL days, null elsewhere. */
	sell: (number | null)[];
	buyDays: number;
	sellDays: number;
	from: string | null;
	to: string | null;
};

const isPrice = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Unix seconds of a `YYYY-MM-DD` day at UTC midnight, or NaN. */
export const dayToSeconds = (date: string) =>
	/^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) / 1000 : Number.NaN;

/**
 * The chart's data from history points: points without a valid date or prices are left out
 * (the page shows what it can), and the rest are put in date order.
 */
export function chartData(points: readonly HistoryPoint[]): ChartData {
	const usable = points
		.filter((p) => typeof p.date === "string" && isPrice(p.market_price) && isPrice(p.fair_price))
		.map((p) => ({ ...p, t: dayToSeconds(p.date) }))
		.filter((p) => Number.isFinite(p.t))
		.sort((a, b) => a.t - b.t);
	const data: ChartData = {
		x: [],
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
		data.market.push(p.market_price);
		data.fair.push(p.fair_price);
		data.buy.push(p.signal === "BUY" ? p.market_price : null);
		data.sell.push(p.signal === "SELL" ? p.market_price : null);
		if (p.signal === "BUY") data.buyDays++;
		if (p.signal === "SELL") data.sellDays++;
	}
	return data;
}
