import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import {
	readColumns,
	readFeatures,
	readPrices,
	writeColumns,
	writeFeatures,
	writePrices,
} from "../../../src/lib/parquet";
import { toSeries } from "../../../src/model/card-series";
import { buildFeatures } from "../../../src/model/features";
import { cardRows } from "../../helpers/model";

const ROWS = [
	...cardRows("pq-a", [10.5, 11.25, 9.75], { name: 'Name, with "quotes"' }),
	...cardRows("pq-b", [1e6, 0.01]),
];

describe("raw prices in Parquet", () => {
	it("round-trips every column and row exactly", async () => {
		const bytes = writePrices(ROWS);
		expect(await readPrices(bytes.slice().buffer)).toEqual(ROWS);
	});

	it("declares its column types (strings are UTF8 byte arrays, the price a double)", () => {
		const schema = parquetMetadata(writePrices(ROWS).slice().buffer).schema;
		const byName = Object.fromEntries(schema.slice(1).map((s) => [s.name, s]));
		expect(byName.market_price?.type).toBe("DOUBLE");
		expect(byName.card_id).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
		expect(byName.date).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
	});

	it("writes the same bytes for the same rows (so a re-run rewrites an identical object)", () => {
		expect(writePrices(ROWS)).toEqual(writePrices(ROWS));
	});

	it("writes and reads an empty file", async () => {
		expect(await readPrices(writePrices([]).slice().buffer)).toEqual([]);
	});
});

describe("features in Parquet", () => {
	it("round-trips nullable columns and one fair-value column per estimator", async () => {
		const features = buildFeatures(
			toSeries(ROWS),
			[
				{ estimator: "trailing_mean", window: 3 },
				{ estimator: "ewm", halflife: 3 },
			],
			{ asOf: "2026-01-03", horizonDays: 1 },
		);
		const back = await readFeatures(writeFeatures(features).slice().buffer);
		expect(back).toEqual(features);
		expect(back.fair.ewm_h3?.[0]).toBeNull();
		expect(back.next_price.at(-1)).toBeNull();
	});
});

describe("writeColumns / readColumns", () => {
	it("keeps row order across row groups", async () => {
		const n = 2500;
		const data = Array.from({ length: n }, (_, i) => i * 1.5);
		const back = await readColumns(writeColumns([{ name: "x", type: "DOUBLE", data }]).slice().buffer);
		expect(back.x).toEqual(data);
	});
});
