/**
 * CSV: an RFC 4180 tokenizer that takes text in pieces (so a file of any size streams through
 * it), and the error that names every bad line and field of a file instead of the first.
 */

/** A CSV row that cannot be imported, named by its 1-based line and its column. */
export type CsvIssue = { line: number; field: string; message: string };

/** Raised when a price CSV has any bad row; nothing from the file is imported. */
export class CsvImportError extends Error {
	override name = "CsvImportError";
	constructor(
		readonly issues: CsvIssue[],
		/** How many issues there were in all (`issues` may hold only the first of them). */
		readonly total = issues.length,
	) {
		const first = issues[0];
		super(
			first
				? `line ${first.line}, field ${first.field}: ${first.message}${total > 1 ? ` (and ${total - 1} more)` : ""}`
				: "invalid CSV",
		);
	}
}

/** One record and the line it starts on. */
export type CsvRecord = { line: number; fields: string[] };

/**
 * Splits CSV text into records, fed in pieces of any size: `push` returns the records completed
 * so far, `end` the last one. Quoted fields may hold commas, doubled quotes and line breaks, and
 * may span pieces. Blank lines are skipped but counted; a leading byte-order mark is dropped.
 */
export class CsvTokenizer {
	#fields: string[] = [];
	#field = "";
	#quoted = false;
	#afterQuote = false;
	#pendingCr = false;
	#line = 1;
	#start = 1;
	#quoteLine = 1;
	#first = true;

	#endRecord(out: CsvRecord[]) {
		this.#fields.push(this.#field);
		if (!(this.#fields.length === 1 && this.#fields[0] === "")) out.push({ line: this.#start, fields: this.#fields });
		this.#fields = [];
		this.#field = "";
		this.#afterQuote = false;
	}

	/** Feeds the next piece of text; returns the records it completed. */
	push(text: string): CsvRecord[] {
		const out: CsvRecord[] = [];
		let i = 0;
		if (this.#first && text.length > 0) {
			this.#first = false;
			if (text.charCodeAt(0) === 0xfeff) i = 1;
		}
		if (this.#pendingCr && i < text.length) {
			this.#pendingCr = false;
			if (text[i] === "\n") i++;
		}
		let field = this.#field;
		for (; i < text.length; i++) {
			const ch = text[i] as string;
			if (this.#quoted) {
				if (ch === '"') {
					if (i + 1 >= text.length) {
						// A quote at the end of a piece: decided by the next piece's first character.
						this.#quoted = false;
						this.#afterQuote = true;
						continue;
					}
					if (text[i + 1] === '"') {
						field += '"';
						i++;
					} else this.#quoted = false;
				} else {
					if (ch === "\n") this.#line++;
					field += ch;
				}
				continue;
			}
			if (this.#afterQuote && ch === '"') {
				// The quote ending the previous piece was the first of a doubled pair.
				this.#afterQuote = false;
				this.#quoted = true;
				field += '"';
				continue;
			}
			this.#afterQuote = false;
			if (ch === '"' && field === "") {
				this.#quoted = true;
				this.#quoteLine = this.#line;
			} else if (ch === ",") {
				this.#fields.push(field);
				field = "";
			} else if (ch === "\n" || ch === "\r") {
				if (ch === "\r") {
					if (i + 1 >= text.length) this.#pendingCr = true;
					else if (text[i + 1] === "\n") i++;
				}
				this.#field = field;
				this.#endRecord(out);
				field = "";
				this.#line++;
				this.#start = this.#line;
			} else field += ch;
		}
		this.#field = field;
		return out;
	}

	/** Ends the text: the last record, if it had no line break after it. Throws on an unclosed quote. */
	end(): CsvRecord[] {
		// An unclosed quote would swallow every later line into one field: refuse the file instead.
		if (this.#quoted)
			throw new CsvImportError([{ line: this.#quoteLine, field: "row", message: "a quoted field is never closed" }]);
		const out: CsvRecord[] = [];
		if (this.#field !== "" || this.#fields.length > 0) this.#endRecord(out);
		return out;
	}
}

/** Splits a whole CSV text into records (see CsvTokenizer). */
export function parseCsvRecords(text: string): CsvRecord[] {
	const tokenizer = new CsvTokenizer();
	return [...tokenizer.push(text), ...tokenizer.end()];
}
