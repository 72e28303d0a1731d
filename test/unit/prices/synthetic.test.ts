import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../../src/config";
import { toSeries } from "../../../src/model/card-series";
import { PipelineParams } from "../../../src/pipeline/params";
import { openSource, SourceError, SyntheticSource } from "../../../src/prices/sources";
import {
	isSyntheticSource,
	parseSyntheticSource,
	syntheticCard,
	syntheticCardId,
	syntheticRows,
} from "../../../src/prices/synthetic";

const SPEC = { cards: 40, days: 120, seed: 7 };
const RUN_DATE = "2026-10-31";

describe("synthetic prices", () => {
	it("are the same rows for the same spec and run date, and different for another seed", () => {
		const a = syntheticRows(SPEC, RUN_DATE, 1, 40);
		expect(syntheticRows(SPEC, RUN_DATE, 1, 40)).toEqual(a);
		expect(syntheticRows({ ...SPEC, seed: 8 }, RUN_DATE, 1, 40)).not.toEqual(a);
	});

	it("generate each card on its own, so a shard is the same whether generated alone or with the rest", () => {
		const all = syntheticRows(SPEC, RUN_DATE, 1, 40);
		const shard = syntheticRows(SPEC, RUN_DATE, 11, 20);
		expect(shard).toEqual(all.filter((r) => r.card_id >= syntheticCardId(11) && r.card_id <= syntheticCardId(20)));
		expect(syntheticCard(SPEC, RUN_DATE, 11)).toEqual(shard.filter((r) => r.card_id === syntheticCardId(11)));
		// Out-of-range indices are clipped to the spec's cards.
		expect(syntheticRows(SPEC, RUN_DATE, 39, 99).map((r) => r.card_id)).toSatisfy((ids: string[]) =>
			ids.every((id) => id === "syn-0000039" || id === "syn-0000040"),
		);
	});

	it("are labelled synthetic: syn- card ids, source 'synthetic', names that say so", () => {
		for (const r of syntheticRows(SPEC, RUN_DATE, 1, 40)) {
			expect(r.card_id).toMatch(/^syn-\d{7}$/);
			expect(r.source).toBe("synthetic");
			expect(r.card_name).toMatch(/^Synthetic card \d+$/);
			expect(r.set_name).toMatch(/^Synthetic set \d+$/);
		}
	});

	it("look like market data: positive cent prices within the window, days without sales, moves that vary", () => {
		const series = toSeries(syntheticRows(SPEC, RUN_DATE, 1, 40));
		expect(series).toHaveLength(40);
		let observed = 0;
		const volatilities: number[] = [];
		for (const s of series) {
			expect((s.dates[0] as string) >= "2026-07-04").toBe(true); // 120 days up to 2026-10-31
			expect((s.dates.at(-1) as string) <= RUN_DATE).toBe(true);
			expect(s.prices.every((p) => p > 0 && Math.abs(p * 100 - Math.round(p * 100)) < 1e-6)).toBe(true);
			observed += s.dates.length;
			const returns = s.prices.slice(1).map((p, i) => Math.log(p / (s.prices[i] as number)));
			volatilities.push(Math.sqrt(returns.reduce((a, r) => a + r * r, 0) / returns.length));
		}
		// Gaps: far fewer observations than card-days, but most days observed.
		expect(observed / (40 * 120)).toBeGreaterThan(0.4);
		expect(observed / (40 * 120)).toBeLessThan(0.95);
		// Cards differ: the calmest and the wildest are far apart.
		expect(Math.max(...volatilities) / Math.min(...volatilities)).toBeGreaterThan(2);
	});

	it("name their spec in the run source", () => {
		expect(parseSyntheticSource("synthetic:20000x180:1")).toEqual({ cards: 20000, days: 180, seed: 1 });
		for (const bad of ["synthetic", "synthetic:0x10:1", "synthetic:10x10", "synthetic:10x10:-1", "syn:10x10:1"])
			expect(parseSyntheticSource(bad), bad).toBeNull();
		expect(isSyntheticSource("synthetic:10x10:1")).toBe(true);
		expect(isSyntheticSource("sample")).toBe(false);
		expect(PipelineParams.safeParse({ source: "synthetic:10x10:1", run_date: RUN_DATE }).success).toBe(true);
		expect(PipelineParams.safeParse({ source: "synthetic:10x10", run_date: RUN_DATE }).success).toBe(false);
	});
});

describe("SyntheticSource", () => {
	it("plans shards by index without listing the cards, and collects each shard alone", async () => {
		const source = new SyntheticSource({ cards: 25, days: 60, seed: 3 }, RUN_DATE);
		const plan = await source.plan(10);
		expect(plan).toEqual({
			input: null,
			cards: 25,
			shards: [
				{ index: 0, first: "syn-0000001", last: "syn-0000010", cards: 10 },
				{ index: 1, first: "syn-0000011", last: "syn-0000020", cards: 10 },
				{ index: 2, first: "syn-0000021", last: "syn-0000025", cards: 5 },
			],
		});
		const { rows, outcomes } = await source.collect(plan.shards[2] as never);
		expect(outcomes).toEqual([]);
		expect(new Set(rows.map((r) => r.card_id))).toEqual(
			new Set(["syn-0000021", "syn-0000022", "syn-0000023", "syn-0000024", "syn-0000025"]),
		);
		expect(rows).toEqual(syntheticRows({ cards: 25, days: 60, seed: 3 }, RUN_DATE, 21, 25));
	});

	it("keeps each shard within the row budget: at most one price per card and day", async () => {
		const plan = await new SyntheticSource({ cards: 25, days: 60, seed: 3 }, RUN_DATE).plan(10, 300);
		expect(plan.shards.map((s) => s.cards)).toEqual([5, 5, 5, 5, 5]);
	});

	it("is opened only when PIPELINE_SYNTHETIC is true", () => {
		const config = getConfig(env);
		expect(config.PIPELINE_SYNTHETIC).toBe(false);
		expect(() => openSource(env, config, "synthetic:10x10:1", RUN_DATE)).toThrow(SourceError);
		expect(() => openSource(env, config, "synthetic:10x10:1", RUN_DATE)).toThrow(/PIPELINE_SYNTHETIC/);
		expect(openSource(env, { ...config, PIPELINE_SYNTHETIC: true }, "synthetic:10x10:1", RUN_DATE)).toBeInstanceOf(
			SyntheticSource,
		);
	});
});
