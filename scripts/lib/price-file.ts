/**
 * Reading a price file from disk as a stream: plain CSV or gzip (`.gz`), any size, through the
 * same tokenizer and validator the Worker uses. Only the caller's own state is kept.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { type CsvRecord, CsvTokenizer } from "../../src/lib/csv";
import type { PriceRow } from "../../src/model/card-series";
import { DuplicateCheck, PriceRowValidator } from "../../src/prices/price-rows";
import { UsageError } from "./api-client";

/** Progress while reading: bytes of the file read so far (compressed bytes for .gz) and records. */
export type ReadProgress = { bytes: number; size: number; rows: number };

/** The file's CSV records, one at a time; text is decoded as UTF-8 across piece boundaries. */
export async function* records(path: string, onProgress?: (p: ReadProgress) => void): AsyncGenerator<CsvRecord> {
	const info = await stat(path).catch((error: Error) => {
		throw new UsageError(`cannot read ${path}: ${error.message}`);
	});
	const file = createReadStream(path);
	let bytes = 0;
	file.on("data", (chunk) => {
		bytes += (chunk as Buffer).length;
	});
	const source = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
	source.setEncoding("utf8");
	const tokenizer = new CsvTokenizer();
	let rows = 0;
	let reported = 0;
	for await (const text of source as AsyncIterable<string>) {
		for (const record of tokenizer.push(text)) {
			rows++;
			yield record;
		}
		if (onProgress && bytes - reported >= 16 * 1024 * 1024) {
			reported = bytes;
			onProgress({ bytes, size: info.size, rows });
		}
	}
	yield* tokenizer.end();
	onProgress?.({ bytes, size: info.size, rows });
}

/** The size of a file on disk. */
export const fileSize = async (path: string) => (await stat(path)).size;

/**
 * Reads and validates a whole price file into memory (the backtest, and files not in card
 * order): every bad line is collected and the file refused if there is any, as an upload would be.
 */
export async function readPriceFile(path: string, defaultSource = "file"): Promise<PriceRow[]> {
	const validator = new PriceRowValidator(defaultSource);
	const duplicates = new DuplicateCheck(validator);
	const rows: PriceRow[] = [];
	for await (const record of records(path)) {
		const row = validator.record(record);
		if (row && duplicates.keep(row, record.line)) rows.push(row);
	}
	validator.finish();
	validator.throwIfInvalid();
	return rows;
}
