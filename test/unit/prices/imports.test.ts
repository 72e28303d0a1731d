import { describe, expect, it } from "vitest";
import { CsvImportError, parseCsvRecords } from "../../../src/lib/csv";
import { sha256Hex } from "../../../src/lib/hash";
import type { PriceRow } from "../../../src/model/card-series";
import {
	byCardAndDate,
	CANONICAL_HEADER,
	ChunkBuilder,
	type ChunkInfo,
	canonicalLine,
	chunkFromMetadata,
	chunkMetadata,
	chunksOf,
	importId,
	manifestOf,
	utf8Length,
	validateChunk,
} from "../../../src/prices/imports";
import { parsePriceCsv } from "../../../src/prices/price-rows";
import { cardRows } from "../../helpers/model";

/** The CsvImportError `fn` rejects with. */
async function importError(fn: () => Promise<unknown>): Promise<CsvImportError> {
	const error = await fn().then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(CsvImportError);
	return error as CsvImportError;
}

// A row of a one-letter card with a one-digit price is 35 bytes (36 with its line break):
// "a,Card a,Test Set,2026-01-01,1,test". The header line is 52 bytes.
const LINE = 36;
const HEADER_BYTES = 52;
const card = (id: string, n: number, start = "2026-01-01") =>
	cardRows(
		id,
		Array.from({ length: n }, (_, i) => i + 1),
		{ start },
	);

describe("canonicalLine", () => {
	it("writes the six columns, quoting only fields with a comma, quote, CR or LF", () => {
		const row: PriceRow = {
			card_id: "c-1",
			card_name: 'Name, "Q"',
			set_name: "Two\nLines",
			date: "2026-01-01",
			market_price: 1.5,
			source: "a\rb",
		};
		const line = canonicalLine(row);
		expect(line).toBe('c-1,"Name, ""Q""","Two\nLines",2026-01-01,1.5,"a\rb"');
		expect(parseCsvRecords(line)[0]?.fields).toEqual(["c-1", 'Name, "Q"', "Two\nLines", "2026-01-01", "1.5", "a\rb"]);
		expect(canonicalLine({ ...row, card_name: "Plain", set_name: "Set", source: "x", market_price: 100 })).toBe(
			"c-1,Plain,Set,2026-01-01,100,x",
		);
	});

	it("writes prices that read back exactly", () => {
		const prices = [0.1 + 0.2, 1e21, 1e-7, 123456.789, 7];
		const rows = prices.map((market_price, i) => ({
			...(card("p", 1)[0] as PriceRow),
			date: `2026-01-0${i + 1}`,
			market_price,
		}));
		const text = `${CANONICAL_HEADER}\n${rows.map(canonicalLine).join("\n")}\n`;
		expect(parsePriceCsv(text).map((r) => r.market_price)).toEqual(prices);
	});
});

describe("byCardAndDate", () => {
	it("orders by card id, then date", () => {
		const rows = [...card("b", 2), ...card("a", 2, "2026-02-01"), ...card("a", 1)].reverse();
		expect(rows.sort(byCardAndDate).map((r) => `${r.card_id} ${r.date}`)).toEqual([
			"a 2026-01-01",
			"a 2026-02-01",
			"a 2026-02-02",
			"b 2026-01-01",
			"b 2026-01-02",
		]);
	});
});

describe("utf8Length", () => {
	it("counts UTF-8 bytes, surrogate pairs as four", () => {
		expect([utf8Length(""), utf8Length("a"), utf8Length("é"), utf8Length("€"), utf8Length("😀")]).toEqual([
			0, 1, 2, 3, 4,
		]);
		const text = "Pokémon ポケモン 🃏 card";
		expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
	});
});

describe("ChunkBuilder", () => {
	it("cuts whole cards into chunks of at most the target, a larger card alone, a header in each", () => {
		expect(canonicalLine(card("a", 1)[0] as PriceRow).length + 1).toBe(LINE);
		expect(CANONICAL_HEADER.length + 1).toBe(HEADER_BYTES);
		const target = HEADER_BYTES + 4 * LINE; // 196 bytes: four rows
		const builder = new ChunkBuilder(target);
		// a and b (2 + 2 rows) fill a chunk exactly; c (3) does not fit beside them; d (5) is larger
		// than a chunk and gets one alone; e (1) is left for the end.
		expect(builder.addCard(card("a", 2))).toEqual([]);
		expect(builder.addCard(card("b", 2))).toEqual([]);
		const [ab] = builder.addCard(card("c", 3));
		expect(builder.addCard(card("d", 5))).toHaveLength(1);
		expect(builder.addCard(card("e", 1))).toHaveLength(1);
		expect(builder.finish()).toHaveLength(1);
		expect(builder.finish()).toEqual([]);
		expect(ab).toBe(`${CANONICAL_HEADER}\n${[...card("a", 2), ...card("b", 2)].map(canonicalLine).join("\n")}\n`);
		expect(builder.done.map(utf8Length)).toEqual([
			target,
			HEADER_BYTES + 3 * LINE,
			HEADER_BYTES + 5 * LINE,
			HEADER_BYTES + LINE,
		]);
		expect(builder.done.map((c) => [...new Set(parsePriceCsv(c).map((r) => r.card_id))])).toEqual([
			["a", "b"],
			["c"],
			["d"],
			["e"],
		]);
	});

	it("makes no chunk from no rows", () => {
		expect(new ChunkBuilder().finish()).toEqual([]);
	});
});

describe("chunksOf", () => {
	const rows = [...card("a", 2), ...card("b", 2), ...card("c", 3), ...card("d", 5), ...card("e", 1)];
	const target = HEADER_BYTES + 4 * LINE;

	it("gives the same sorted canonical chunks whatever order the rows come in", () => {
		const sorted = chunksOf(rows, target);
		expect(sorted).toHaveLength(4);
		const shuffled = [...rows].sort((x, y) =>
			x.date === y.date ? (x.card_id < y.card_id ? 1 : -1) : x.date < y.date ? 1 : -1,
		);
		expect(shuffled[0]?.card_id).not.toBe("a");
		expect(chunksOf(shuffled, target)).toEqual(sorted);
		expect(chunksOf([...rows].reverse(), target)).toEqual(sorted);
		// Read back in order, the chunks hold every row once, sorted.
		expect(sorted.flatMap((c) => parsePriceCsv(c))).toEqual([...rows].sort(byCardAndDate));
	});

	it("keeps a small file in one chunk, and no rows in none", () => {
		expect(chunksOf(rows)).toHaveLength(1);
		expect(chunksOf([])).toEqual([]);
	});
});

describe("importId", () => {
	it("is the SHA-256 of the chunk hashes, one per line, in order", async () => {
		expect(await importId([])).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		expect(await importId(["abc"])).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		expect(await importId(["a", "b"])).toBe(await sha256Hex("a\nb"));
		expect(await importId(["a", "b"])).not.toBe(await importId(["b", "a"]));
	});
});

describe("validateChunk", () => {
	it("answers a valid chunk's info: hash, bytes, rows, cards and its card and date range", async () => {
		// b starts a day before a, so the chunk's first date is not its first row's.
		const text = chunksOf([...card("a", 2), ...card("b", 2, "2025-12-31")])[0] as string;
		const { info, rows } = await validateChunk(text);
		expect(info).toEqual({
			sha256: await sha256Hex(text),
			bytes: HEADER_BYTES + 4 * LINE,
			rows: 4,
			cards: 2,
			first_card: "a",
			last_card: "b",
			first_date: "2025-12-31",
			last_date: "2026-01-02",
		});
		expect(rows.map((r) => `${r.card_id} ${r.date}`)).toEqual([
			"a 2026-01-01",
			"a 2026-01-02",
			"b 2025-12-31",
			"b 2026-01-01",
		]);
	});

	it("fills a missing source with the default and counts bytes, not characters", async () => {
		const text = "card_id,card_name,set_name,date,market_price\nc,Pokémon,S,2026-01-01,1\n";
		const { info, rows } = await validateChunk(text);
		expect(rows[0]?.source).toBe("upload");
		expect(info.bytes).toBe(text.length + 1);
	});

	it("refuses rows out of card or date order, naming each line", async () => {
		const text = [
			CANONICAL_HEADER,
			"a,N,S,2026-01-02,1,x",
			"a,N,S,2026-01-01,1,x",
			"c,N,S,2026-01-01,1,x",
			"b,N,S,2026-01-01,1,x",
		].join("\n");
		const error = await importError(() => validateChunk(text));
		expect(error.issues).toEqual([
			{
				line: 3,
				field: "row",
				message: "rows must be sorted by card_id, then date: this one (a 2026-01-01) comes before line 2's",
			},
			{
				line: 5,
				field: "row",
				message: "rows must be sorted by card_id, then date: this one (b 2026-01-01) comes before line 4's",
			},
		]);
	});

	it("refuses two prices for a card and day, a bad field and a header with no rows", async () => {
		const twice = [CANONICAL_HEADER, "a,N,S,2026-01-01,1,x", "a,N,S,2026-01-01,2,x", "a,N,S,2026-01-02,0,x"].join("\n");
		expect((await importError(() => validateChunk(twice))).issues.map((i) => [i.line, i.field])).toEqual([
			[3, "market_price"],
			[4, "market_price"],
		]);
		expect((await importError(() => validateChunk(`${CANONICAL_HEADER}\n`))).issues).toEqual([
			{ line: 2, field: "row", message: "the file has a header but no price rows" },
		]);
	});
});

describe("manifestOf", () => {
	const info = (
		n: number,
		first_card: string,
		last_card: string,
		first_date: string,
		last_date: string,
	): ChunkInfo => ({
		sha256: String(n).repeat(64),
		bytes: 10 * n,
		rows: n,
		cards: n + 1,
		first_card,
		last_card,
		first_date,
		last_date,
	});
	const c1 = info(1, "a", "b", "2026-01-03", "2026-02-01");
	const c2 = info(2, "c", "c", "2026-01-01", "2026-01-20");
	const c3 = info(3, "d", "f", "2026-01-05", "2026-03-01");

	it("totals chunks in card order and names the import by their hashes", async () => {
		expect(await manifestOf([c1, c2, c3])).toEqual({
			format: 1,
			id: await importId([c1.sha256, c2.sha256, c3.sha256]),
			chunks: [c1, c2, c3],
			rows: 6,
			cards: 9,
			bytes: 60,
			date_from: "2026-01-01",
			date_to: "2026-03-01",
		});
	});

	it("refuses a card split across chunks and chunks out of card order, naming each chunk", async () => {
		const split = { ...c2, first_card: "b" };
		const error = await importError(() => manifestOf([c1, split, { ...c3, first_card: "a", last_card: "a" }]));
		expect(error.issues.map((i) => i.field)).toEqual(["chunks.1", "chunks.2"]);
		expect(error.issues[0]?.message).toContain("starts at card b, which is not after the previous chunk's last card b");
		expect(error.issues[0]?.message).toContain(split.sha256.slice(0, 12));
	});

	it("refuses an import of no chunks", async () => {
		expect((await importError(() => manifestOf([]))).issues).toEqual([
			{ line: 0, field: "chunks", message: "an import needs at least one chunk" },
		]);
	});
});

describe("chunkMetadata / chunkFromMetadata", () => {
	it("round-trips a chunk's info through R2's string metadata", async () => {
		const { info } = await validateChunk(chunksOf(card("a", 3))[0] as string);
		const meta = chunkMetadata(info);
		expect(Object.values(meta).every((v) => typeof v === "string")).toBe(true);
		expect(meta.rows).toBe("3");
		expect(chunkFromMetadata(meta)).toEqual(info);
	});

	it("answers null for metadata that is not a chunk's", () => {
		expect(chunkFromMetadata(undefined)).toBeNull();
		expect(chunkFromMetadata({})).toBeNull();
		expect(chunkFromMetadata({ sha256: "f".repeat(64) })).toBeNull();
	});
});
