/**
 * Price CSVs: a strict validator of `card_id,card_name,set_name,date,market_price[,source]` rows
 * that collects every bad line and field instead of stopping at the first. The same code
 * validates an upload in the Worker and a file in the operator CLIs.
 */
import { CsvImportError, type CsvIssue, type CsvRecord, parseCsvRecords } from "../lib/csv";
import { CARD_ID_PATTERN, isIsoDate, type PriceRow } from "../model/card-series";

const REQUIRED = ["card_id", "card_name", "set_name", "date", "market_price"] as const;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Issues kept in full; past this only the count grows. */
export const MAX_ISSUES_KEPT = 1000;

/**
 * Validates price rows one record at a time. Rules: a header naming the five required columns
 * (any order, `source` optional); every field present and well formed; a price greater than 0
 * (TCGplayer shows $0.00 when it has no price: leave such a day out); and at least one row.
 * Duplicate (card, date) rows are checked by the caller that can see them together
 * (`DuplicateCheck`).
 */
export class PriceRowValidator {
	#columns: string[] | null = null;
	#index: Record<string, number> = {};
	readonly issues: CsvIssue[] = [];
	total = 0;
	rows = 0;

	constructor(private readonly defaultSource = "csv") {}

	/** Records an issue (kept while fewer than MAX_ISSUES_KEPT, always counted). */
	report(issue: CsvIssue): void {
		this.total++;
		if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push(issue);
	}

	/** Reads one record: the header first, then rows. Returns the row when it is valid. */
	record({ line, fields }: CsvRecord): PriceRow | null {
		if (this.#columns === null) {
			const columns = fields.map((f) => f.trim());
			this.#columns = columns;
			columns.forEach((c, i) => {
				this.#index[c] = i;
			});
			for (const c of REQUIRED)
				if (!columns.includes(c)) this.report({ line, field: c, message: `missing column "${c}" in the header` });
			return null;
		}
		if (REQUIRED.some((c) => this.#index[c] === undefined)) return null;
		if (fields.length !== this.#columns.length) {
			this.report({ line, field: "row", message: `expected ${this.#columns.length} fields, found ${fields.length}` });
			return null;
		}
		const get = (name: string) => {
			const i = this.#index[name];
			return i === undefined ? "" : (fields[i] ?? "").trim();
		};
		const card_id = get("card_id");
		const date = get("date");
		const priceText = get("market_price");
		// Plain decimal notation only: Number() would also read "0x10" as 16.
		const price = DECIMAL.test(priceText) ? Number(priceText) : Number.NaN;
		const before = this.total;
		if (!CARD_ID_PATTERN.test(card_id))
			this.report({
				line,
				field: "card_id",
				message: `"${card_id}" is not a card id (lower-case letters, digits, . _ -)`,
			});
		if (get("card_name") === "") this.report({ line, field: "card_name", message: "is empty" });
		if (get("set_name") === "") this.report({ line, field: "set_name", message: "is empty" });
		if (!isIsoDate(date)) this.report({ line, field: "date", message: `"${date}" is not a YYYY-MM-DD date` });
		if (priceText === "" || !Number.isFinite(price) || price < 0)
			this.report({ line, field: "market_price", message: `"${priceText}" is not a positive number` });
		else if (price === 0)
			this.report({
				line,
				field: "market_price",
				message: "is 0: TCGplayer shows $0.00 when it has no price; leave that day out",
			});
		if (this.total > before) return null;
		this.rows++;
		return {
			card_id,
			card_name: get("card_name"),
			set_name: get("set_name"),
			date,
			market_price: price,
			source: get("source") || this.defaultSource,
		};
	}

	/** Ends the file: an empty file or a header with no rows is an issue of its own. */
	finish(): void {
		if (this.#columns === null) this.report({ line: 1, field: "header", message: "the file is empty" });
		else if (this.rows === 0 && this.total === 0)
			this.report({ line: 2, field: "row", message: "the file has a header but no price rows" });
	}

	/** Throws a CsvImportError when anything was reported. */
	throwIfInvalid(): void {
		if (this.total > 0)
			throw new CsvImportError(
				[...this.issues].sort((a, b) => a.line - b.line),
				this.total,
			);
	}
}

/**
 * Duplicate (card, date) rows among rows seen together: a row repeating an earlier one with the
 * same price is dropped (counted in `repeated`); with another price it is an issue naming both
 * lines, since no rule can tell which price is right.
 */
export class DuplicateCheck {
	#seen = new Map<string, { line: number; price: number }>();
	repeated = 0;

	constructor(private readonly validator: PriceRowValidator) {}

	/** Whether the row is new (keep it). */
	keep(row: PriceRow, line: number): boolean {
		const key = `${row.card_id}\u0000${row.date}`;
		const earlier = this.#seen.get(key);
		if (!earlier) {
			this.#seen.set(key, { line, price: row.market_price });
			return true;
		}
		if (earlier.price === row.market_price) {
			this.repeated++;
			return false;
		}
		this.validator.report({
			line,
			field: "market_price",
			message: `${row.card_id} on ${row.date} is ${row.market_price} here but ${earlier.price} on line ${earlier.line}: one price per card and day`,
		});
		return false;
	}
}

/**
 * Parses and validates a whole price CSV held in memory (an upload of at most one request body,
 * or the sample). Every bad row is reported; if there is one, the whole file is refused.
 */
export function parsePriceCsv(text: string, defaultSource = "csv"): PriceRow[] {
	const validator = new PriceRowValidator(defaultSource);
	const duplicates = new DuplicateCheck(validator);
	const rows: PriceRow[] = [];
	for (const record of parseCsvRecords(text)) {
		const row = validator.record(record);
		if (row && duplicates.keep(row, record.line)) rows.push(row);
	}
	validator.finish();
	validator.throwIfInvalid();
	return rows;
}
