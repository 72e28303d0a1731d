/**
 * Parquet for the pipeline's R2 objects (hyparquet / hyparquet-writer, SNAPPY). Every column's
 * type is declared, never guessed, and files are read column by column (no row objects).
 */
import { type FileMetaData, parquetMetadata, parquetRead } from "hyparquet";
import { type BasicType, parquetWriteBuffer } from "hyparquet-writer";

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
export type Sink = { [index: number]: unknown; length: number };

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

/** A Parquet file opened for reading column by column into caller-owned arrays. */
export type ColumnReader = {
	rows: number;
	/** The file's column names. */
	names: ReadonlySet<string>;
	/** Decodes a column into `into` (see `readColumnInto`); a column the file lacks leaves `into` as it was. */
	readInto(name: string, into: Sink): Promise<void>;
};

/** Reads a file's metadata once, for reading its columns into typed arrays. */
export function columnReader(file: ArrayBuffer): ColumnReader {
	const metadata = parquetMetadata(file);
	const names = new Set(metadata.schema.slice(1).map((e) => e.name));
	return {
		rows: Number(metadata.num_rows),
		names,
		readInto: async (name, into) => {
			if (names.has(name)) await readColumnInto(file, metadata, name, into);
		},
	};
}
