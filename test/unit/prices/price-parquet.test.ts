import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { readPrices, writePrices } from "../../../src/prices/price-parquet";
import { cardRows } from "../../helpers/model";

const ROWS = [
	...cardRows("pq-a", [10.5, 11.25, 9.75], { name: 'Name, with "quotes"' }),
	...cardRows("pq-b", [1e6, 0.01]),
];

const buffer = (bytes: Uint8Array) => bytes.slice().buffer;

describe("raw prices in Parquet", () => {
	it("round-trips every column and row exactly", async () => {
		expect(await readPrices(buffer(writePrices(ROWS)))).toEqual(ROWS);
	});

	it("declares its column types (strings are UTF8 byte arrays, the price a double)", () => {
		const schema = parquetMetadata(buffer(writePrices(ROWS))).schema;
		const byName = Object.fromEntries(schema.slice(1).map((s) => [s.name, s]));
		expect(byName.market_price?.type).toBe("DOUBLE");
		expect(byName.card_id).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
		expect(byName.date).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
	});

	it("writes the same bytes for the same rows (so a re-run rewrites an identical object)", () => {
		expect(writePrices(ROWS)).toEqual(writePrices(ROWS));
	});

	it("writes and reads an empty file", async () => {
		expect(await readPrices(buffer(writePrices([])))).toEqual([]);
	});
});
