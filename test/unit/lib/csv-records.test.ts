import { describe, expect, it } from "vitest";
import { CsvImportError, type CsvRecord, CsvTokenizer, parseCsvRecords } from "../../../src/lib/csv";
import { importError } from "../../helpers/csv";

// CSV syntax (records, quoting, line numbers); the price rules on top of it are in csv.test.ts.

describe("parseCsvRecords", () => {
	it("splits records and fields, numbering records by the line they start on", () => {
		expect(parseCsvRecords("a,b\nc,d\n")).toEqual([
			{ line: 1, fields: ["a", "b"] },
			{ line: 2, fields: ["c", "d"] },
		]);
	});

	it("reads quoted fields with commas, doubled quotes and line breaks", () => {
		const records = parseCsvRecords('x,"a, b","say ""hi""","two\nlines"\nnext,1,2,3');
		expect(records[0]).toEqual({ line: 1, fields: ["x", "a, b", 'say "hi"', "two\nlines"] });
		// The quoted line break moves the next record to line 3.
		expect(records[1]).toEqual({ line: 3, fields: ["next", "1", "2", "3"] });
	});

	it("handles CRLF line endings", () => {
		expect(parseCsvRecords("a,b\r\nc,d\r\n")).toEqual([
			{ line: 1, fields: ["a", "b"] },
			{ line: 2, fields: ["c", "d"] },
		]);
	});

	it("drops a leading byte-order mark", () => {
		expect(parseCsvRecords("\uFEFFa,b\n")).toEqual([{ line: 1, fields: ["a", "b"] }]);
	});

	it("skips blank lines but keeps counting them", () => {
		expect(parseCsvRecords("a\n\n\nb")).toEqual([
			{ line: 1, fields: ["a"] },
			{ line: 4, fields: ["b"] },
		]);
	});

	it("refuses a quoted field that is never closed, naming the line it opens on", () => {
		const error = importError(() => parseCsvRecords('a,b\nc,"open\nd,e\n'));
		expect(error.issues).toEqual([{ line: 2, field: "row", message: "a quoted field is never closed" }]);
	});

	it("keeps empty fields", () => {
		expect(parseCsvRecords("a,,c\n,,\n")).toEqual([
			{ line: 1, fields: ["a", "", "c"] },
			{ line: 2, fields: ["", "", ""] },
		]);
	});
});

/** The records of `pieces` fed one after another to one tokenizer. */
function tokenize(pieces: readonly string[]): CsvRecord[] {
	const tokenizer = new CsvTokenizer();
	const out: CsvRecord[] = [];
	for (const piece of pieces) out.push(...tokenizer.push(piece));
	out.push(...tokenizer.end());
	return out;
}

// Every hard case at once: a BOM, quoted commas, doubled quotes (one at a field's end), a quoted
// CRLF, an empty quoted field, blank lines, a lone CR, and a last record with no line break.
const TRICKY = '\uFEFFid,"a, b","say ""hi""","two\r\nlines"\r\nnext,,"",x\r\n\r\n"q""",end\rlast,"z"';
const TRICKY_RECORDS: CsvRecord[] = [
	{ line: 1, fields: ["id", "a, b", 'say "hi"', "two\r\nlines"] },
	{ line: 3, fields: ["next", "", "", "x"] },
	{ line: 5, fields: ['q"', "end"] },
	{ line: 6, fields: ["last", "z"] },
];

describe("CsvTokenizer", () => {
	it("reads the hard cases whole", () => {
		expect(parseCsvRecords(TRICKY)).toEqual(TRICKY_RECORDS);
	});

	it("gives the same records for the text cut into two or three pieces at every position", () => {
		for (let i = 0; i <= TRICKY.length; i++) {
			expect(tokenize([TRICKY.slice(0, i), TRICKY.slice(i)]), `cut at ${i}`).toEqual(TRICKY_RECORDS);
			for (let j = i; j <= TRICKY.length; j++)
				expect(tokenize([TRICKY.slice(0, i), TRICKY.slice(i, j), TRICKY.slice(j)]), `cut at ${i}, ${j}`).toEqual(
					TRICKY_RECORDS,
				);
		}
	});

	it("gives the same records fed one character at a time, with empty pieces between", () => {
		expect(tokenize([...TRICKY].flatMap((ch) => ["", ch]))).toEqual(TRICKY_RECORDS);
	});

	it("reads a doubled quote split across pieces as one quote, and a closing quote as the end of the field", () => {
		expect(tokenize(['"a"', '"b",c\n'])).toEqual([{ line: 1, fields: ['a"b', "c"] }]);
		expect(tokenize(['"a"', ',"b"'])).toEqual([{ line: 1, fields: ["a", "b"] }]);
	});

	it("reads a CRLF split across pieces as one line break", () => {
		expect(tokenize(["a\r", "\nb\r", "", "\nc"])).toEqual([
			{ line: 1, fields: ["a"] },
			{ line: 2, fields: ["b"] },
			{ line: 3, fields: ["c"] },
		]);
	});

	it("drops a byte-order mark only at the very start", () => {
		expect(tokenize(["", "\uFEFFa\n", "\uFEFFb"])).toEqual([
			{ line: 1, fields: ["a"] },
			{ line: 2, fields: ["\uFEFFb"] },
		]);
	});

	it("returns each record from the push that completes it", () => {
		const tokenizer = new CsvTokenizer();
		expect(tokenizer.push('a,"b')).toEqual([]);
		expect(tokenizer.push('\nc"\nd')).toEqual([{ line: 1, fields: ["a", "b\nc"] }]);
		expect(tokenizer.end()).toEqual([{ line: 3, fields: ["d"] }]);
	});

	it("throws at the end on a quote left open across pieces", () => {
		const tokenizer = new CsvTokenizer();
		tokenizer.push("a\nb,");
		tokenizer.push('"open');
		tokenizer.push("\nmore\n");
		expect(() => tokenizer.end()).toThrow(CsvImportError);
		expect(importError(() => tokenize(["a\nb,", '"open', "\nmore"])).issues).toEqual([
			{ line: 2, field: "row", message: "a quoted field is never closed" },
		]);
	});
});
