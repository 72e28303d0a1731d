/**
 * Parquet for the pipeline's R2 objects (hyparquet / hyparquet-writer, SNAPPY). Every column's
 * type is declared, never guessed, and files are read column by column (no row objects).
 */
import { parquetMetadata, parquetRead } from "hyparquet";
import { type BasicType, parquetWriteBuffer } from "hyparquet-writer";
import { CARD_FEATURES } from "../model/card-features";
import type { PriceRow } from "../model/card-series";
import { allocateTable, FEATURES, type FeatureTable } from "../model/feature-table";

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

/** Reads the columns of a Parquet file (all, or those named) into arrays keyed by column name. */
export async function readColumns(file: ArrayBuffer, columns?: readonly string[]): Promise<Record<string, unknown[]>> {
	const metadata = parquetMetadata(file);
	const rows = Number(metadata.num_rows);
	const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
	const present = new Set(metadata.schema.slice(1).map((e) => e.name));
	await parquetRead({
		file,
		metadata,
		...(columns ? { columns: columns.filter((c) => present.has(c)) } : {}),
		onChunk: (chunk) => {
			const list = chunks.get(chunk.columnName) ?? [];
			list.push({ rowStart: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> });
			chunks.set(chunk.columnName, list);
		},
	});
	const out: Record<string, unknown[]> = {};
	for (const element of metadata.schema.slice(1)) {
		if (columns && !columns.includes(element.name)) continue;
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
		{ name: "price", type: "DOUBLE", data: Array.from(t.price) },
		{ name: "outcome", type: "INT32", data: Array.from(t.outcome) },
		{ name: "later", type: "DOUBLE", data: Array.from(t.later) },
		...featureNames(parts.cross === true).map((name, f) => ({
			name,
			type: "FLOAT" as const,
			data: Array.from(t.x[f] as Float32Array),
		})),
	];
	for (let k = 0; k < (parts.rules ?? 0); k++) {
		columns.push({ name: ruleSignal(k), type: "INT32", data: Array.from(t.rule_signal[k] as Int8Array) });
		columns.push({ name: ruleFair(k), type: "FLOAT", data: Array.from(t.rule_fair[k] as Float32Array) });
	}
	return writeColumns(columns);
}

/** Reads a feature table written by `writeTable` (only the columns `parts` asks for). */
export async function readTable(
	file: ArrayBuffer,
	parts: TableParts,
): Promise<{ table: FeatureTable; card_name: string[] | null }> {
	const names = featureNames(parts.cross === true);
	const wanted = [
		"card_id",
		...(parts.names ? ["card_name"] : []),
		"set_name",
		"date",
		"price",
		"outcome",
		"later",
		...names,
		...Array.from({ length: parts.rules ?? 0 }, (_, k) => [ruleSignal(k), ruleFair(k)]).flat(),
	];
	const c = await readColumns(file, wanted);
	const n = (c.card_id ?? []).length;
	const t = allocateTable(n, parts.rules ?? 0);
	t.card_id = (c.card_id ?? []) as string[];
	t.set_name = (c.set_name ?? []) as string[];
	t.date = (c.date ?? []) as string[];
	t.price = Float64Array.from((c.price ?? []) as number[]);
	t.outcome = Int8Array.from((c.outcome ?? []) as number[]);
	t.later = Float64Array.from((c.later ?? []) as number[]);
	names.forEach((name, f) => {
		t.x[f] = Float32Array.from((c[name] ?? []) as number[]);
	});
	for (let f = names.length; f < FEATURES.length; f++) (t.x[f] as Float32Array).fill(Number.NaN);
	for (let k = 0; k < (parts.rules ?? 0); k++) {
		t.rule_signal[k] = Int8Array.from((c[ruleSignal(k)] ?? []) as number[]);
		t.rule_fair[k] = Float32Array.from((c[ruleFair(k)] ?? []) as number[]);
	}
	return { table: t, card_name: parts.names ? ((c.card_name ?? []) as string[]) : null };
}
