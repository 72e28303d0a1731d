/**
 * Importing a price file of any size through the API: validated here first (every bad line and
 * field listed, nothing uploaded when any is bad), cut into canonical chunks of whole cards that
 * each fit one request body, and uploaded chunk by chunk (a chunk the Worker already has is not
 * sent again, so an interrupted import resumes) before one commit names them. A file already
 * imported is recognised by its content address and not uploaded at all. Progress goes to the
 * log: bytes read, rows, chunks.
 */
import { createHash } from "node:crypto";
import type { PriceRow } from "../../src/model/card-series";
import { byCardAndDate, ChunkBuilder } from "../../src/prices/imports";
import { DuplicateCheck, PriceRowValidator } from "../../src/prices/price-rows";
import { type Api, describeProblem, UsageError } from "./api-client";
import { fileSize, type ReadProgress, records } from "./price-file";

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** What the first pass found; `sorted` holds every row, sorted, when the file was not in card order. */
export type Scan = { path: string; rows: number; cards: number; size: number; sorted: PriceRow[] | null };

function refuse(path: string, validator: PriceRowValidator): never {
	const lines = validator.issues.slice(0, 50).map((i) => `  line ${i.line}, field ${i.field}: ${i.message}`);
	const more = validator.total > 50 ? `\n  … and ${validator.total - 50} more` : "";
	throw new UsageError(
		`${path} has ${validator.total} bad value(s); nothing was imported:\n${lines.join("\n")}${more}`,
	);
}

/**
 * Pass 1: validates every line. A file in card and date order is checked for duplicate days as
 * it streams (a repeat is the previous row); any other order is read into memory, checked
 * there and sorted.
 */
export async function scanFile(path: string, log: (line: string) => void = console.log): Promise<Scan> {
	const validator = new PriceRowValidator("file");
	let previous: { row: PriceRow; line: number } | null = null;
	let inOrder = true;
	let cards = 0;
	let rows = 0;
	const progress = (p: ReadProgress) => log(`  validating ${path}: ${mb(p.bytes)} of ${mb(p.size)}, ${p.rows} rows`);
	for await (const record of records(path, progress)) {
		const row = validator.record(record);
		if (!row) continue;
		rows++;
		if (previous && inOrder) {
			const order = byCardAndDate(previous.row, row);
			if (order > 0) inOrder = false;
			else if (order === 0 && previous.row.market_price !== row.market_price)
				validator.report({
					line: record.line,
					field: "market_price",
					message: `${row.card_id} on ${row.date} is ${row.market_price} here but ${previous.row.market_price} on line ${previous.line}: one price per card and day`,
				});
		}
		if (!previous || row.card_id !== previous.row.card_id) cards++;
		previous = { row, line: record.line };
	}
	validator.finish();
	if (validator.total > 0) refuse(path, validator);
	if (inOrder) return { path, rows, cards, size: await fileSize(path), sorted: null };
	const check = new DuplicateCheck(validator);
	const all: PriceRow[] = [];
	const again = new PriceRowValidator("file");
	for await (const record of records(path)) {
		const row = again.record(record);
		if (row && check.keep(row, record.line)) all.push(row);
	}
	if (validator.total > 0) refuse(path, validator);
	all.sort(byCardAndDate);
	return {
		path,
		rows: all.length,
		cards: new Set(all.map((r) => r.card_id)).size,
		size: await fileSize(path),
		sorted: all,
	};
}

/** Passes 2 and 3: the canonical chunks, one at a time. */
async function* chunks(path: string, sorted: PriceRow[] | null): AsyncGenerator<string> {
	const builder = new ChunkBuilder();
	if (sorted) {
		let start = 0;
		for (let i = 1; i <= sorted.length; i++)
			if (i === sorted.length || (sorted[i] as PriceRow).card_id !== (sorted[start] as PriceRow).card_id) {
				yield* builder.addCard(sorted.slice(start, i));
				start = i;
			}
		yield* builder.finish();
		return;
	}
	const validator = new PriceRowValidator("file");
	let card: PriceRow[] = [];
	for await (const record of records(path)) {
		const row = validator.record(record);
		if (!row) continue;
		const last = card.at(-1);
		if (last && last.card_id === row.card_id && last.date === row.date) continue; // the same row again
		if (last && last.card_id !== row.card_id) {
			yield* builder.addCard(card);
			card = [];
		}
		card.push(row);
	}
	if (card.length > 0) yield* builder.addCard(card);
	yield* builder.finish();
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Imports a file through the API; returns the run source naming it (`file:<id>`). `found` is
 * the file's scan (scanFile), when the caller validated it before reaching for a Worker.
 */
export async function importFile(
	api: Api,
	path: string,
	log: (line: string) => void = console.log,
	scanned?: Scan,
): Promise<string> {
	const found = scanned ?? (await scanFile(path, log));
	log(
		`${path}: ${found.rows} prices, ${found.cards} cards, ${mb(found.size)}, valid${found.sorted ? " (sorted in memory)" : ""}.`,
	);
	const rows = found.sorted;
	const hashes: string[] = [];
	for await (const chunk of chunks(path, rows)) hashes.push(sha256(chunk));
	const id = sha256(hashes.join("\n"));
	const existing = await api.request<{ source?: string }>("GET", `/v1/admin/imports/${id}`);
	if (existing.status === 200 && existing.body.source) {
		log(`  already imported as ${existing.body.source}: nothing uploaded.`);
		return existing.body.source;
	}
	let sent = 0;
	let skipped = 0;
	let bytes = 0;
	let k = 0;
	for await (const chunk of chunks(path, rows)) {
		const sha = hashes[k] as string;
		k++;
		const have = await api.request("GET", `/v1/admin/imports/chunks/${sha}`);
		if (have.status === 200) skipped++;
		else {
			const put = await api.request("PUT", `/v1/admin/imports/chunks/${sha}`, chunk, "text/csv");
			if (put.status !== 200 && put.status !== 201)
				throw new UsageError(
					`the API refused chunk ${k} of ${hashes.length}; nothing was imported.\n${describeProblem(put)}`,
				);
			sent++;
			bytes += Buffer.byteLength(chunk);
		}
		if (k % 10 === 0 || k === hashes.length)
			log(`  uploading: chunk ${k} of ${hashes.length} (${sent} sent, ${mb(bytes)}; ${skipped} already stored)`);
	}
	const commit = await api.request<{ source?: string }>("POST", "/v1/admin/imports", { chunks: hashes });
	if ((commit.status === 200 || commit.status === 201) && commit.body.source) {
		log(`  imported as ${commit.body.source}`);
		return commit.body.source;
	}
	throw new UsageError(`the API refused the import; nothing was imported.\n${describeProblem(commit)}`);
}
