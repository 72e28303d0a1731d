/** Raw prices as Parquet: the pipeline's collected chunks and an import's chunks. */
import { readColumns, writeColumns } from "../lib/parquet";
import type { PriceRow } from "../model/card-series";

/** Raw prices: one row per card and day (`raw/date=…/…/part-NNNN.parquet`). */
export function writePrices(rows: readonly PriceRow[]): Uint8Array {
	return writeColumns([
		{ name: "card_id", type: "STRING", data: rows.map((r) => r.card_id) },
		{ name: "card_name", type: "STRING", data: rows.map((r) => r.card_name) },
		{ name: "set_name", type: "STRING", data: rows.map((r) => r.set_name) },
		{ name: "date", type: "STRING", data: rows.map((r) => r.date) },
		{ name: "market_price", type: "DOUBLE", data: rows.map((r) => r.market_price) },
		{ name: "source", type: "STRING", data: rows.map((r) => r.source) },
	]);
}

/** Reads raw prices written by `writePrices`. */
export async function readPrices(file: ArrayBuffer): Promise<PriceRow[]> {
	const c = await readColumns(file);
	const ids = (c.card_id ?? []) as string[];
	return ids.map((card_id, i) => ({
		card_id,
		card_name: c.card_name?.[i] as string,
		set_name: c.set_name?.[i] as string,
		date: c.date?.[i] as string,
		market_price: c.market_price?.[i] as number,
		source: c.source?.[i] as string,
	}));
}
