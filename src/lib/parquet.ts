/**
 * Parquet for the pipeline's R2 objects (hyparquet / hyparquet-writer, SNAPPY). Every column's
 * type is declared, never guessed, and files are read column by column (no row objects).
 */
import { type FileMetaData, parquetMetadata, parquetRead } from "hyparquet";
import { type BasicType, parquetWriteBuffer } from "hyparquet-writer";
import { CARD_FEATURES } from "../model/card-features";
import type { PriceRow } from "../model/card-series";
import { allocateTable, FEATURES, type FeatureTable } from "../model/feature-table";

/** One column to write: its name, declared type, values (an array or a typed array) and whether nulls are allowed. */
export type Column = {
	name: string;
	type: BasicType;
	data: readonly unknown[] | Float32Array | Float64Array | Int8Array | Int32Array;
	nullable?: boolean;
};

/**
 * Rows per row group: a reader decodes one group of one column at a time, so a large table is
 * never decoded whole (see `readColumnInto`).
 */
const ROW_GROUP_ROWS = 16_384;

/** Writes columns (equal lengths) as one Parquet file. The same columns always give the same bytes. */
export function writeColumns(columns: readonly Column[]): Uint8Array {
	const buffer = parquetWriteBuffer({
		codec: "SNAPPY",
		rowGroupSize: ROW_GROUP_ROWS,
		columnData: columns.map((c) => ({
			name: c.name,
			type: c.type,
			data: c.data as never,
			nullable: c.nullable ?? false,
		})),
	});
	return new Uint8Array(buffer);
}

/** Numbers or strings, written in place as a column is decoded. */
type Sink = { [index: number]: unknown; length: number };

/**
 * Decodes one column of a Parquet file into `into` (a typed array or a preallocated array), one
 * row group at a time: what is held at once is the target and one group's decoded values.
 */
async function readColumnInto(file: ArrayBuffer, metadata: FileMetaData, name: string, into: Sink): Promise<void> {
	await parquetRead({
		file,
		metadata,
		columns: [name],
		onChunk: (chunk) => {
			const data = chunk.columnData as ArrayLike<unknown>;
			for (let i = 0; i < data.length && chunk.rowStart + i < into.length; i++) into[chunk.rowStart + i] = data[i];
		},
	});
}

/** Reads the columns of a Parquet file (all, or those named) into arrays keyed by column name, one at a time. */
export async function readColumns(file: ArrayBuffer, columns?: readonly string[]): Promise<Record<string, unknown[]>> {
	const metadata = parquetMetadata(file);
	const rows = Number(metadata.num_rows);
	const out: Record<string, unknown[]> = {};
	for (const element of metadata.schema.slice(1)) {
		if (columns && !columns.includes(element.name)) continue;
		const values = new Array<unknown>(rows);
		await readColumnInto(file, metadata, element.name, values);
		out[element.name] = values;
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

/** Which parts of a feature table a Parquet file holds (and a read asks for). */
export type TableParts = {
	/** The card name column (the per-shard file, which publishing reads). */
	names?: boolean;
	/** The set and market features (the assembled training table). */
	cross?: boolean;
	/** Every baseline rule's signal and fair price (the training sample and table). */
	rules?: number;
};

const featureNames = (cross: boolean) => (cross ? FEATURES : FEATURES.slice(0, CARD_FEATURES.length));
const ruleSignal = (k: number) => `rule_signal_${k}`;
const ruleFair = (k: number) => `rule_fair_${k}`;

/**
 * Writes a feature table: card, set, date, price (DOUBLE), outcome (INT32), later (DOUBLE,
 * NaN while open), every feature as FLOAT (NaN where undefined) and, as `parts` says, names,
 * cross-sectional features and rule columns (INT32 signals, FLOAT fair prices).
 */
export function writeTable(t: FeatureTable, parts: TableParts & { card_name?: readonly string[] }): Uint8Array {
	const columns: Column[] = [
		{ name: "card_id", type: "STRING", data: t.card_id },
		...(parts.names && parts.card_name
			? [{ name: "card_name", type: "STRING" as const, data: [...parts.card_name] }]
			: []),
		{ name: "set_name", type: "STRING", data: t.set_name },
		{ name: "date", type: "STRING", data: t.date },
		{ name: "price", type: "DOUBLE", data: t.price },
		{ name: "outcome", type: "INT32", data: t.outcome },
		{ name: "later", type: "DOUBLE", data: t.later },
		...featureNames(parts.cross === true).map((name, f) => ({
			name,
			type: "FLOAT" as const,
			data: t.x[f] as Float32Array,
		})),
	];
	for (let k = 0; k < (parts.rules ?? 0); k++) {
		columns.push({ name: ruleSignal(k), type: "INT32", data: t.rule_signal[k] as Int8Array });
		columns.push({ name: ruleFair(k), type: "FLOAT", data: t.rule_fair[k] as Float32Array });
	}
	return writeColumns(columns);
}

/**
 * Reads a feature table written by `writeTable` (only the columns `parts` asks for), column by
 * column straight into the table's typed arrays: no intermediate arrays of every value.
 */
export async function readTable(
	file: ArrayBuffer,
	parts: TableParts,
): Promise<{ table: FeatureTable; card_name: string[] | null }> {
	const metadata = parquetMetadata(file);
	const present = new Set(metadata.schema.slice(1).map((e) => e.name));
	const n = Number(metadata.num_rows);
	const names = featureNames(parts.cross === true);
	const t = allocateTable(n, parts.rules ?? 0);
	const read = async (name: string, into: Sink) => {
		if (present.has(name)) await readColumnInto(file, metadata, name, into);
	};
	await read("card_id", t.card_id);
	await read("set_name", t.set_name);
	await read("date", t.date);
	const card_name = parts.names ? new Array<string>(n) : null;
	if (card_name) await read("card_name", card_name);
	await read("price", t.price);
	await read("outcome", t.outcome);
	await read("later", t.later);
	for (const [f, name] of names.entries()) await read(name, t.x[f] as Float32Array);
	for (let f = names.length; f < FEATURES.length; f++) (t.x[f] as Float32Array).fill(Number.NaN);
	for (let k = 0; k < (parts.rules ?? 0); k++) {
		await read(ruleSignal(k), t.rule_signal[k] as Int8Array);
		await read(ruleFair(k), t.rule_fair[k] as Float32Array);
	}
	return { table: t, card_name };
}
