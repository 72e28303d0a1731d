import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { CARD_FEATURES } from "../../../src/model/card-features";
import { toSeries } from "../../../src/model/card-series";
import {
	allocateTable,
	buildTable,
	FEATURES,
	type FeatureTable,
	joinMarket,
	OPEN,
} from "../../../src/model/feature-table";
import { emptyMarketTally, marketTable } from "../../../src/model/market";
import { type RuleSpec, SEED_RULE } from "../../../src/model/rules";
import { readTable, writeTable } from "../../../src/pipeline/tables";
import { cardRows } from "../../helpers/model";

const buffer = (bytes: Uint8Array) => bytes.slice().buffer;

describe("feature tables in Parquet", () => {
	const RULES: RuleSpec[] = [SEED_RULE, { rule: "momentum", window: 2, threshold: 0.05 }];
	const series = toSeries([
		...cardRows("ft-a", [10, 11, 12, 11.5, 13], { set: "Set A", name: "Card, A" }),
		...cardRows("ft-b", [5, 4.5, 4, 4.2], { set: "Set B", start: "2026-01-02" }),
	]);
	const names = series.flatMap((s) => s.dates.map(() => s.name));
	const market = emptyMarketTally();
	const table = joinMarket(
		buildTable(series, { asOf: "2026-01-05", horizon: { days: 2, move: 0.05 }, rules: RULES, market }),
		marketTable(market),
	);
	const CROSS = FEATURES.slice(CARD_FEATURES.length);
	const column = (t: FeatureTable, name: string) => Array.from(t.x[FEATURES.indexOf(name)] as Float32Array);

	it("holds the hard values this test relies on", () => {
		// NaN in every kind of float column: an open outcome's `later`, a first day's return, a rule
		// with no answer yet (momentum over 2 observations on a card's first two days).
		expect(table.date).toHaveLength(9);
		expect(Array.from(table.outcome)).toContain(OPEN);
		expect(Number.isNaN(table.later.at(-1) as number)).toBe(true);
		expect(Number.isNaN(column(table, "r1")[0] as number)).toBe(true);
		expect(Number.isNaN(table.rule_fair[1]?.[0] as number)).toBe(true);
		expect(CROSS.some((name) => column(table, name).some((v) => !Number.isNaN(v)))).toBe(true);
	});

	it("round-trips names, card and cross features and rule columns, NaN included", async () => {
		const file = buffer(writeTable(table, { names: true, card_name: names, cross: true, rules: RULES.length }));
		const back = await readTable(file, { names: true, cross: true, rules: RULES.length });
		expect(back.card_name).toEqual(names);
		// toEqual treats NaN as equal to NaN, element by element.
		expect(back.table).toEqual(table);
	});

	it("reads a table of several row groups back in order, straight into its typed arrays", async () => {
		// 40,000 rows: three row groups of 16,384, each column decoded group by group.
		const n = 40_000;
		const big = allocateTable(n, 1);
		for (let i = 0; i < n; i++) {
			big.card_id[i] = `c-${i}`;
			big.set_name[i] = `s-${i % 7}`;
			big.date[i] = `2026-01-${String((i % 28) + 1).padStart(2, "0")}`;
			big.price[i] = i + 0.25;
			big.outcome[i] = (i % 4) - 1;
			big.later[i] = i % 5 === 0 ? Number.NaN : i * 2;
			for (const [f, c] of big.x.entries()) c[i] = i % 11 === f ? Number.NaN : i / (f + 1);
			(big.rule_signal[0] as Int8Array)[i] = (i % 3) - 1;
			(big.rule_fair[0] as Float32Array)[i] = i / 3;
		}
		const file = buffer(writeTable(big, { cross: true, rules: 1 }));
		expect(parquetMetadata(file).row_groups.length).toBe(3);
		expect((await readTable(file, { cross: true, rules: 1 })).table).toEqual(big);
	});

	it("declares its column types", () => {
		const file = buffer(writeTable(table, { cross: true, rules: 1 }));
		const types = Object.fromEntries(
			parquetMetadata(file)
				.schema.slice(1)
				.map((s) => [s.name, s.type]),
		);
		expect(types).toMatchObject({
			price: "DOUBLE",
			later: "DOUBLE",
			outcome: "INT32",
			r1: "FLOAT",
			mkt_r1: "FLOAT",
			rule_signal_0: "INT32",
			rule_fair_0: "FLOAT",
		});
		expect(types).not.toHaveProperty("card_name");
		expect(types).not.toHaveProperty("rule_signal_1");
	});

	it("reads only the parts asked for: cross features NaN, no names and no rules otherwise", async () => {
		const file = buffer(writeTable(table, { names: true, card_name: names, cross: true, rules: RULES.length }));
		const { table: back, card_name } = await readTable(file, {});
		expect(card_name).toBeNull();
		expect(back.card_id).toEqual(table.card_id);
		expect(back.price).toEqual(table.price);
		for (const name of CARD_FEATURES) expect(column(back, name), name).toEqual(column(table, name));
		for (const name of CROSS) expect(column(back, name).every(Number.isNaN), name).toBe(true);
		expect(back.rule_signal).toEqual([]);
		expect(back.rule_fair).toEqual([]);
		const oneRule = await readTable(file, { rules: 1 });
		expect(oneRule.table.rule_signal).toEqual([table.rule_signal[0]]);
		expect(oneRule.table.rule_fair).toEqual([table.rule_fair[0]]);
	});

	it("writes a table without names or cross features that reads back the same", async () => {
		const file = buffer(writeTable(table, { rules: 0 }));
		const { table: back } = await readTable(file, {});
		expect(back.later).toEqual(table.later);
		expect(back.outcome).toEqual(table.outcome);
		expect(column(back, "r7")).toEqual(column(table, "r7"));
	});
});
