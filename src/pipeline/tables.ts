/** Feature tables as Parquet: the pipeline's per-shard tables, the assembled training table and samples. */
import { type Column, columnReader, writeColumns } from "../lib/parquet";
import { CARD_FEATURES } from "../model/card-features";
import { allocateTable, FEATURES, type FeatureTable } from "../model/feature-table";

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
	const reader = columnReader(file);
	const n = reader.rows;
	const names = featureNames(parts.cross === true);
	const t = allocateTable(n, parts.rules ?? 0);
	const read = reader.readInto;
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
