import { CARD_ID_PATTERN, isIsoDate, type PriceRow } from "../model/card-series";

/** A CSV row that cannot be imported, named by its 1-based line and its column. */
export type CsvIssue = { line: number; field: string; message: string };

/** Raised when a price CSV has any bad row; nothing from the file is imported. */
export class CsvImportError extends Error {
	override name = "CsvImportError";
	constructor(readonly issues: CsvIssue[]) {
		const first = issues[0];
		super(
			first
				? `line ${first.line}, field ${first.field}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`
				: "invalid CSV",
		);
	}
}

const REQUIRED = ["card_id", "card_name", "set_name", "date", "market_price"] as const;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Splits CSV text into records (RFC 4180 quoting), each with the line it starts on. Throws a
 * CsvImportError when a quoted field is never closed.
 */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
	const records: { line: number; fields: string[] }[] = [];
	let fields: string[] = [];
	let field = "";
	let quoted = false;
	let line = 1;
	let start = 1;
	let quoteLine = 1;
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	const endRecord = () => {
		fields.push(field);
		if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
		fields = [];
		field = "";
	};
	for (; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else {
				if (ch === "\n") line++;
				field += ch;
			}
		} else if (ch === '"' && field === "") {
			quoted = true;
			quoteLine = line;
		} else if (ch === ",") {
			fields.push(field);
			field = "";
		} else if (ch === "\n" || ch === "\r") {
			if (ch === "\r" && text[i + 1] === "\n") i++;
			endRecord();
			line++;
			start = line;
		} else field += ch;
	}
	// An unclosed quote would swallow every later line into one field: refuse the file instead.
	if (quoted) throw new CsvImportError([{ line: quoteLine, field: "row", message: "a quoted field is never closed" }]);
	if (field !== "" || fields.length > 0) endRecord();
	return records;
}

/**
 * Parses `card_id,card_name,set_name,date,market_price[,source]` (any column order, header
 * required). Every bad row is reported; if there is one, the whole file is refused.
 */
export function parsePriceCsv(text: string, defaultSource = "csv"): PriceRow[] {
	const records = parseCsvRecords(text);
	const header = records.shift();
	if (!header) throw new CsvImportError([{ line: 1, field: "header", message: "the file is empty" }]);
	const columns = header.fields.map((f) => f.trim());
	const missing = REQUIRED.filter((c) => !columns.includes(c));
	if (missing.length > 0) {
		throw new CsvImportError(
			missing.map((c) => ({ line: header.line, field: c, message: `missing column "${c}" in the header` })),
		);
	}
	const col = (name: string) => columns.indexOf(name);
	const issues: CsvIssue[] = [];
	const rows: PriceRow[] = [];
	for (const { line, fields } of records) {
		if (fields.length !== columns.length) {
			issues.push({ line, field: "row", message: `expected ${columns.length} fields, found ${fields.length}` });
			continue;
		}
		const get = (name: string) => (col(name) >= 0 ? (fields[col(name)] ?? "").trim() : "");
		const card_id = get("card_id");
		const date = get("date");
		const priceText = get("market_price");
		// Plain decimal notation only: Number() would also read "0x10" as 16.
		const price = DECIMAL.test(priceText) ? Number(priceText) : Number.NaN;
		const before = issues.length;
		if (!CARD_ID_PATTERN.test(card_id))
			issues.push({
				line,
				field: "card_id",
				message: `"${card_id}" is not a card id (lower-case letters, digits, . _ -)`,
			});
		if (get("card_name") === "") issues.push({ line, field: "card_name", message: "is empty" });
		if (get("set_name") === "") issues.push({ line, field: "set_name", message: "is empty" });
		if (!isIsoDate(date)) issues.push({ line, field: "date", message: `"${date}" is not a YYYY-MM-DD date` });
		if (priceText === "" || !Number.isFinite(price) || price < 0)
			issues.push({ line, field: "market_price", message: `"${priceText}" is not a non-negative number` });
		if (issues.length > before) continue;
		rows.push({
			card_id,
			card_name: get("card_name"),
			set_name: get("set_name"),
			date,
			market_price: price,
			source: get("source") || defaultSource,
		});
	}
	if (issues.length > 0) throw new CsvImportError(issues);
	return rows;
}
