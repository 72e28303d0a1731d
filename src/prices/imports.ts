/**
 * Price files of any size, stored content-addressed in R2 as upload chunks: each chunk is a
 * self-contained canonical CSV (header, then rows sorted by card and date, every card whole)
 * small enough for one request body, stored once under its SHA-256; an import is the manifest
 * listing its chunks, named by the SHA-256 of the chunk hashes. The same prices always give the
 * same chunks and the same import id, however the file was ordered or formatted.
 */

import { CsvImportError, type CsvIssue, parseCsvRecords } from "../lib/csv";
import { sha256Hex } from "../lib/hash";
import type { PriceRow } from "../model/card-series";
import { DuplicateCheck, PriceRowValidator } from "./price-rows";

/** The header of a canonical chunk. */
export const CANONICAL_HEADER = "card_id,card_name,set_name,date,market_price,source";

/** The size a chunk is cut at (the default request body limit is 1 MiB). */
export const CHUNK_TARGET_BYTES = 768 * 1024;

/** What a stored chunk holds (kept as the object's custom metadata). */
export type ChunkInfo = {
	sha256: string;
	bytes: number;
	rows: number;
	cards: number;
	first_card: string;
	last_card: string;
	first_date: string;
	last_date: string;
};

/** An import's manifest (`imports/<id>/manifest.json`). */
export type ImportManifest = {
	format: 1;
	id: string;
	chunks: ChunkInfo[];
	rows: number;
	cards: number;
	bytes: number;
	date_from: string;
	date_to: string;
};

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** A row as a canonical CSV line. */
export const canonicalLine = (r: PriceRow) =>
	[r.card_id, r.card_name, r.set_name, r.date, String(r.market_price), r.source].map(quote).join(",");

/** Orders rows by card, then date. */
export const byCardAndDate = (a: PriceRow, b: PriceRow) =>
	a.card_id < b.card_id ? -1 : a.card_id > b.card_id ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0;

/**
 * Cuts cards (fed whole, in card order, each card's rows sorted by date) into canonical chunks of
 * at most `target` bytes; a card larger than that gets a chunk of its own.
 */
export class ChunkBuilder {
	#lines: string[] = [];
	#bytes = utf8Length(CANONICAL_HEADER) + 1;
	readonly done: string[] = [];

	constructor(private readonly target = CHUNK_TARGET_BYTES) {}

	/** Adds one card's rows; returns the chunks this completed. */
	addCard(rows: readonly PriceRow[]): string[] {
		const lines = rows.map(canonicalLine);
		const bytes = lines.reduce((a, l) => a + utf8Length(l) + 1, 0);
		const out: string[] = [];
		if (this.#lines.length > 0 && this.#bytes + bytes > this.target) out.push(this.#flush());
		this.#lines.push(...lines);
		this.#bytes += bytes;
		this.done.push(...out);
		return out;
	}

	/** Ends the input: the last chunk, if any rows are left. */
	finish(): string[] {
		const out = this.#lines.length > 0 ? [this.#flush()] : [];
		this.done.push(...out);
		return out;
	}

	#flush(): string {
		const text = `${CANONICAL_HEADER}\n${this.#lines.join("\n")}\n`;
		this.#lines = [];
		this.#bytes = utf8Length(CANONICAL_HEADER) + 1;
		return text;
	}
}

/** UTF-8 byte length of a string. */
export function utf8Length(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80) n += 1;
		else if (c < 0x800) n += 2;
		else if (c >= 0xd800 && c <= 0xdbff) {
			n += 4;
			i++;
		} else n += 3;
	}
	return n;
}

/** Rows (any order, validated) as canonical chunks. */
export function chunksOf(rows: readonly PriceRow[], target = CHUNK_TARGET_BYTES): string[] {
	const sorted = [...rows].sort(byCardAndDate);
	const builder = new ChunkBuilder(target);
	let start = 0;
	for (let i = 1; i <= sorted.length; i++) {
		if (i === sorted.length || (sorted[i] as PriceRow).card_id !== (sorted[start] as PriceRow).card_id) {
			builder.addCard(sorted.slice(start, i));
			start = i;
		}
	}
	builder.finish();
	return builder.done;
}

/** The import id of a list of chunk hashes. */
export const importId = (chunkHashes: readonly string[]) => sha256Hex(chunkHashes.join("\n"));

/**
 * Validates one uploaded chunk: a price CSV whose rows are valid and sorted by card then date,
 * strictly (so one price per card and day). Returns its info, or throws a CsvImportError
 * listing every bad line.
 */
export async function validateChunk(
	text: string,
	defaultSource = "upload",
): Promise<{ info: ChunkInfo; rows: PriceRow[] }> {
	const validator = new PriceRowValidator(defaultSource);
	const duplicates = new DuplicateCheck(validator);
	const rows: PriceRow[] = [];
	let previous: { row: PriceRow; line: number } | null = null;
	for (const record of parseCsvRecords(text)) {
		const row = validator.record(record);
		if (!row || !duplicates.keep(row, record.line)) continue;
		if (previous && byCardAndDate(previous.row, row) > 0)
			validator.report({
				line: record.line,
				field: "row",
				message: `rows must be sorted by card_id, then date: this one (${row.card_id} ${row.date}) comes before line ${previous.line}'s`,
			});
		previous = { row, line: record.line };
		rows.push(row);
	}
	validator.finish();
	validator.throwIfInvalid();
	const first = rows[0] as PriceRow;
	const last = rows.at(-1) as PriceRow;
	let cards = 0;
	let firstDate = first.date;
	let lastDate = first.date;
	rows.forEach((r, i) => {
		if (i === 0 || r.card_id !== (rows[i - 1] as PriceRow).card_id) cards++;
		if (r.date < firstDate) firstDate = r.date;
		if (r.date > lastDate) lastDate = r.date;
	});
	return {
		rows,
		info: {
			sha256: await sha256Hex(text),
			bytes: utf8Length(text),
			rows: rows.length,
			cards,
			first_card: first.card_id,
			last_card: last.card_id,
			first_date: firstDate,
			last_date: lastDate,
		},
	};
}

/**
 * The manifest of chunks in order, or the issues that stop them forming one import: a card split
 * across chunks, or chunks out of card order.
 */
export async function manifestOf(chunks: readonly ChunkInfo[]): Promise<ImportManifest> {
	const issues: CsvIssue[] = [];
	chunks.forEach((c, i) => {
		const next = chunks[i + 1];
		if (next && !(c.last_card < next.first_card))
			issues.push({
				line: 0,
				field: `chunks.${i + 1}`,
				message: `chunk ${next.sha256.slice(0, 12)} starts at card ${next.first_card}, which is not after the previous chunk's last card ${c.last_card}: chunks hold whole cards, in card order`,
			});
	});
	if (chunks.length === 0) issues.push({ line: 0, field: "chunks", message: "an import needs at least one chunk" });
	if (issues.length > 0) throw new CsvImportError(issues);
	let from = "9999-12-31";
	let to = "";
	for (const c of chunks) {
		if (c.first_date < from) from = c.first_date;
		if (c.last_date > to) to = c.last_date;
	}
	return {
		format: 1,
		id: await importId(chunks.map((c) => c.sha256)),
		chunks: [...chunks],
		rows: chunks.reduce((a, c) => a + c.rows, 0),
		cards: chunks.reduce((a, c) => a + c.cards, 0),
		bytes: chunks.reduce((a, c) => a + c.bytes, 0),
		date_from: from,
		date_to: to,
	};
}

/** A chunk's info as R2 custom metadata (strings) and back. */
export const chunkMetadata = (c: ChunkInfo): Record<string, string> =>
	Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)]));

/** The info stored with a chunk object, or null when its metadata is not a chunk's. */
export function chunkFromMetadata(meta: Record<string, string> | undefined): ChunkInfo | null {
	if (!meta?.sha256 || meta.rows === undefined) return null;
	return {
		sha256: meta.sha256,
		bytes: Number(meta.bytes),
		rows: Number(meta.rows),
		cards: Number(meta.cards),
		first_card: meta.first_card ?? "",
		last_card: meta.last_card ?? "",
		first_date: meta.first_date ?? "",
		last_date: meta.last_date ?? "",
	};
}
