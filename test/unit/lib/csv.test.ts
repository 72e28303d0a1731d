import { describe, expect, it } from "vitest";
import sample from "../../../data/sample/card_prices.csv?raw";
import { CsvImportError, parseCsvRecords, parsePriceCsv } from "../../../src/lib/csv";

const HEADER = "card_id,card_name,set_name,date,market_price,source";

/** The CsvImportError `fn` throws (failing the test when it throws nothing or something else). */
function importError(fn: () => unknown): CsvImportError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(CsvImportError);
		return error as CsvImportError;
	}
	throw new Error("expected a CsvImportError");
}

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

describe("parsePriceCsv", () => {
	it("parses rows into typed prices", () => {
		const rows = parsePriceCsv(
			`${HEADER}\nsv03-223-charizard-ex,Charizard ex,SV03: Obsidian Flames,2026-08-22,412.5,tcg\n`,
		);
		expect(rows).toEqual([
			{
				card_id: "sv03-223-charizard-ex",
				card_name: "Charizard ex",
				set_name: "SV03: Obsidian Flames",
				date: "2026-08-22",
				market_price: 412.5,
				source: "tcg",
			},
		]);
	});

	it("reads quoted fields, a BOM and CRLF together", () => {
		const text = `\uFEFF${HEADER}\r\na-card,"Name, with comma","Set ""Quoted""",2026-01-02,"1.50",x\r\n`;
		const [row] = parsePriceCsv(text);
		expect(row).toMatchObject({
			card_id: "a-card",
			card_name: "Name, with comma",
			set_name: 'Set "Quoted"',
			date: "2026-01-02",
			market_price: 1.5,
		});
	});

	it("accepts the columns in any order and fills a missing source with the default", () => {
		const rows = parsePriceCsv("market_price,date,set_name,card_name,card_id\n3,2026-01-01,S,N,c1\n", "fallback");
		expect(rows).toEqual([
			{ card_id: "c1", card_name: "N", set_name: "S", date: "2026-01-01", market_price: 3, source: "fallback" },
		]);
	});

	it("accepts a price of zero", () => {
		expect(parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,0,x`)[0]?.market_price).toBe(0);
	});

	it("parses the shipped sample: 16 cards, 7,630 rows", () => {
		const rows = parsePriceCsv(sample);
		expect(rows).toHaveLength(7630);
		expect(new Set(rows.map((r) => r.card_id)).size).toBe(16);
	});

	it("names the line and field of a bad row, and imports nothing", () => {
		const text = [
			HEADER,
			"good-card,Good,Set,2026-01-01,1,x",
			"good-card,Good,Set,2026-01-02,not-a-price,x",
			"good-card,Good,Set,2026-01-03,3,x",
		].join("\n");
		const error = importError(() => parsePriceCsv(text));
		expect(error.issues).toEqual([{ line: 3, field: "market_price", message: expect.stringContaining("not-a-price") }]);
		expect(error.message).toMatch(/^line 3, field market_price: /);
	});

	it("reports every bad row and field, not just the first", () => {
		const text = [
			HEADER,
			"Bad Id,N,S,2026-01-01,1,x",
			"ok,N,S,2026-02-30,1,x",
			"ok,,S,2026-01-01,-1,x",
			"ok,N,,2026-01-01,Infinity,x",
			"too,few,fields",
		].join("\n");
		const error = importError(() => parsePriceCsv(text));
		expect(error.issues.map((i) => [i.line, i.field])).toEqual([
			[2, "card_id"],
			[3, "date"],
			[4, "card_name"],
			[4, "market_price"],
			[5, "set_name"],
			[5, "market_price"],
			[6, "row"],
		]);
		expect(error.message).toContain("(and 6 more)");
	});

	it("counts lines from the file, including quoted line breaks and blank lines", () => {
		const text = `${HEADER}\nc,"Two\nLines",S,2026-01-01,1,x\n\nc,N,S,2026-01-02,,x\n`;
		const error = importError(() => parsePriceCsv(text));
		expect(error.issues).toEqual([{ line: 5, field: "market_price", message: expect.any(String) }]);
	});

	it("does not let an unclosed quote swallow later rows into a field", () => {
		// The open quote in `source` would otherwise absorb the next row, importing one row silently.
		const text = `${HEADER}\nc,N,S,2026-01-01,1,"src\nc,N,S,2026-01-02,2,src\n`;
		const error = importError(() => parsePriceCsv(text));
		expect(error.issues).toEqual([{ line: 2, field: "row", message: "a quoted field is never closed" }]);
	});

	it("reads prices in decimal notation only", () => {
		const ok = parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,1e2,x\nc,N,S,2026-01-02,.5,x\nc,N,S,2026-01-03,7.,x`);
		expect(ok.map((r) => r.market_price)).toEqual([100, 0.5, 7]);
		for (const price of ["0x10", "0b11", "0o7", "1,5", "12 USD", "$12", "Infinity", "NaN"]) {
			const error = importError(() => parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,"${price}",x`));
			expect(error.issues, price).toEqual([{ line: 2, field: "market_price", message: expect.any(String) }]);
		}
	});

	it("refuses an empty price", () => {
		const error = importError(() => parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,,x`));
		expect(error.issues[0]).toMatchObject({ line: 2, field: "market_price" });
	});

	it("refuses a header missing a required column, naming it", () => {
		const error = importError(() => parsePriceCsv("card_id,card_name,date,market_price\nc,N,2026-01-01,1"));
		expect(error.issues).toEqual([{ line: 1, field: "set_name", message: expect.stringContaining("set_name") }]);
	});

	it("refuses an empty file", () => {
		const error = importError(() => parsePriceCsv(""));
		expect(error.issues).toEqual([{ line: 1, field: "header", message: "the file is empty" }]);
	});

	it("returns no rows for a header with no data", () => {
		expect(parsePriceCsv(`${HEADER}\n`)).toEqual([]);
	});
});
