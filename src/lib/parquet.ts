/**
 * Parquet for the pipeline's R2 objects (hyparquet / hyparquet-writer, SNAPPY). Every column's
 * type is declared, never guessed, and files are read column by column (no row objects).
 */
import { parquetMetadata, parquetRead } from "hyparquet";
import { type BasicType, parquetWriteBuffer } from "hyparquet-writer";
import type { PriceRow } from "../model/card-series";
import type { FeatureColumns } from "../model/features";

/** One column to write: its name, declared type, values and whether nulls are allowed. */
export type Column = { name: string; type: BasicType; data: unknown[]; nullable?: boolean };

/** Writes columns (equal lengths) as one Parquet file. The same columns always give the same bytes. */
export function writeColumns(columns: readonly Column[]): Uint8Array {
	const buffer = parquetWriteBuffer({
		codec: "SNAPPY",
		columnData: columns.map((c) => ({
			name: c.name,
			type: c.type,
			data: c.data as never,
			nullable: c.nullable ?? false,
		})),
	});
	return new Uint8Array(buffer);
}

/** Reads every column of a Parquet file into arrays keyed by column name. */
export async function readColumns(file: ArrayBuffer): Promise<Record<string, unknown[]>> {
	const metadata = parquetMetadata(file);
	const rows = Number(metadata.num_rows);
	const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
	await parquetRead({
		file,
		metadata,
		onChunk: (chunk) => {
			const list = chunks.get(chunk.columnName) ?? [];
			list.push({ rowStart: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> });
			chunks.set(chunk.columnName, list);
		},
	});
	const out: Record<string, unknown[]> = {};
	for (const element of metadata.schema.slice(1)) {
		const list = (chunks.get(element.name) ?? []).sort((a, b) => a.rowStart - b.rowStart);
		const values: unknown[] = [];
		for (const c of list) for (let i = 0; i < c.data.length; i++) values.push(c.data[i]);
		out[element.name] = values.slice(0, rows);
	}
	return out;
}

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

const FAIR_PREFIX = "fair_";

/** Features: fixed columns, then one nullable `fair_<estimator id>` column per estimator. */
export function writeFeatures(f: FeatureColumns): Uint8Array {
	return writeColumns([
		{ name: "card_id", type: "STRING", data: f.card_id },
		{ name: "date", type: "STRING", data: f.date },
		{ name: "price", type: "DOUBLE", data: f.price },
		{ name: "ret", type: "DOUBLE", data: f.ret, nullable: true },
		{ name: "next_price", type: "DOUBLE", data: f.next_price, nullable: true },
		{ name: "fwd_max", type: "DOUBLE", data: f.fwd_max, nullable: true },
		{ name: "fwd_min", type: "DOUBLE", data: f.fwd_min, nullable: true },
		{ name: "labelled", type: "BOOLEAN", data: f.labelled },
		...Object.entries(f.fair).map(([id, data]) => ({
			name: `${FAIR_PREFIX}${id}`,
			type: "DOUBLE" as const,
			data,
			nullable: true,
		})),
	]);
}

/** Reads features written by `writeFeatures`. */
export async function readFeatures(file: ArrayBuffer): Promise<FeatureColumns> {
	const c = await readColumns(file);
	const nullable = (name: string) => ((c[name] ?? []) as (number | null | undefined)[]).map((v) => v ?? null);
	return {
		card_id: (c.card_id ?? []) as string[],
		date: (c.date ?? []) as string[],
		price: (c.price ?? []) as number[],
		ret: nullable("ret"),
		next_price: nullable("next_price"),
		fwd_max: nullable("fwd_max"),
		fwd_min: nullable("fwd_min"),
		labelled: (c.labelled ?? []) as boolean[],
		fair: Object.fromEntries(
			Object.keys(c)
				.filter((name) => name.startsWith(FAIR_PREFIX))
				.map((name) => [name.slice(FAIR_PREFIX.length), nullable(name)]),
		),
	};
}
