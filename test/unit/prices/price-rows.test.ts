import { describe, expect, it } from "vitest";
import sample from "../../../data/sample/card_prices.csv?raw";
import { CsvImportError } from "../../../src/lib/csv";
import { DuplicateCheck, MAX_ISSUES_KEPT, PriceRowValidator, parsePriceCsv } from "../../../src/prices/price-rows";
import { importError } from "../../helpers/csv";

const HEADER = "card_id,card_name,set_name,date,market_price,source";

describe("PriceRowValidator / DuplicateCheck", () => {
	it("reads the header, then returns valid rows and collects every issue", () => {
		const validator = new PriceRowValidator("fallback");
		expect(
			validator.record({ line: 1, fields: ["card_id", "card_name", "set_name", "date", "market_price"] }),
		).toBeNull();
		expect(validator.record({ line: 2, fields: ["c", "N", "S", "2026-01-01", "2"] })).toEqual({
			card_id: "c",
			card_name: "N",
			set_name: "S",
			date: "2026-01-01",
			market_price: 2,
			source: "fallback",
		});
		expect(validator.record({ line: 3, fields: ["C!", "", "S", "2026-13-01", "0"] })).toBeNull();
		expect(validator.issues.map((i) => `${i.line} ${i.field}`)).toEqual([
			"3 card_id",
			"3 card_name",
			"3 date",
			"3 market_price",
		]);
		expect([validator.rows, validator.total]).toEqual([1, 4]);
		validator.finish();
		expect(validator.total).toBe(4);
		expect(() => validator.throwIfInvalid()).toThrow(CsvImportError);
	});

	it("counts issues past MAX_ISSUES_KEPT without keeping them", () => {
		const validator = new PriceRowValidator();
		for (let i = 0; i < MAX_ISSUES_KEPT + 2; i++) validator.report({ line: i + 2, field: "row", message: "bad" });
		expect(validator.issues).toHaveLength(MAX_ISSUES_KEPT);
		expect(validator.total).toBe(MAX_ISSUES_KEPT + 2);
	});

	it("drops a repeated row with the same price (counting it) and reports one with another price", () => {
		const validator = new PriceRowValidator();
		const duplicates = new DuplicateCheck(validator);
		const row = { card_id: "c", card_name: "N", set_name: "S", date: "2026-01-01", market_price: 2, source: "x" };
		expect(duplicates.keep(row, 2)).toBe(true);
		expect(duplicates.keep({ ...row, date: "2026-01-02" }, 3)).toBe(true);
		expect(duplicates.keep({ ...row, card_id: "d" }, 4)).toBe(true);
		expect(duplicates.keep({ ...row, source: "y" }, 5)).toBe(false);
		expect(duplicates.repeated).toBe(1);
		expect(validator.total).toBe(0);
		expect(duplicates.keep({ ...row, market_price: 3 }, 6)).toBe(false);
		expect(validator.issues).toEqual([
			{
				line: 6,
				field: "market_price",
				message: "c on 2026-01-01 is 3 here but 2 on line 2: one price per card and day",
			},
		]);
		expect(duplicates.repeated).toBe(1);
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

	it("refuses a price of zero (TCGplayer's $0.00 means no price), naming the line", () => {
		for (const zero of ["0", "0.00", "-0"]) {
			const error = importError(() => parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,1,x\nc,N,S,2026-01-02,${zero},x`));
			expect(error.issues, zero).toEqual([
				{
					line: 3,
					field: "market_price",
					message: "is 0: TCGplayer shows $0.00 when it has no price; leave that day out",
				},
			]);
		}
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

	it("refuses a header with no price rows", () => {
		for (const text of [`${HEADER}\n`, HEADER, `${HEADER}\r\n\r\n\n`]) {
			const error = importError(() => parsePriceCsv(text));
			expect(error.issues, JSON.stringify(text)).toEqual([
				{ line: 2, field: "row", message: "the file has a header but no price rows" },
			]);
		}
	});

	it("refuses a file of blank lines as empty", () => {
		expect(importError(() => parsePriceCsv("\n\r\n\n")).issues).toEqual([
			{ line: 1, field: "header", message: "the file is empty" },
		]);
	});

	it("reports only the missing column when the header is bad, not every row under it", () => {
		const error = importError(() => parsePriceCsv("card_id,card_name,date\nc,N,2026-01-01\nc,N,not-a-date"));
		expect(error.issues.map((i) => i.field)).toEqual(["set_name", "market_price"]);
	});

	it("drops a row repeating an earlier one's card, day and price", () => {
		const rows = parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,1.5,x\nc,N,S,2026-01-02,2,x\nc,N,S,2026-01-01,1.50,y`);
		expect(rows.map((r) => [r.date, r.market_price, r.source])).toEqual([
			["2026-01-01", 1.5, "x"],
			["2026-01-02", 2, "x"],
		]);
	});

	it("refuses two prices for one card and day, naming both lines", () => {
		const error = importError(() =>
			parsePriceCsv(`${HEADER}\nc,N,S,2026-01-01,1.5,x\nd,N,S,2026-01-01,3,x\nc,N,S,2026-01-01,2,x`),
		);
		expect(error.issues).toEqual([
			{
				line: 4,
				field: "market_price",
				message: "c on 2026-01-01 is 2 here but 1.5 on line 2: one price per card and day",
			},
		]);
	});

	it("keeps the first MAX_ISSUES_KEPT issues, in line order, and counts them all", () => {
		const bad = Array.from({ length: MAX_ISSUES_KEPT + 5 }, (_, i) => `c,N,S,2026-01-01,bad${i},x`);
		const error = importError(() => parsePriceCsv([HEADER, ...bad].join("\n")));
		expect(error.total).toBe(MAX_ISSUES_KEPT + 5);
		expect(error.issues).toHaveLength(MAX_ISSUES_KEPT);
		expect(error.issues[0]?.line).toBe(2);
		expect(error.issues.at(-1)?.line).toBe(MAX_ISSUES_KEPT + 1);
		expect(error.message).toContain(`(and ${MAX_ISSUES_KEPT + 4} more)`);
	});
});
