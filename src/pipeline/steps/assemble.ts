/**
 * Step "assemble": the shards' summaries merged into the set and market moves of every date,
 * and their samples into one training table (at most `max_rows` card-days, a uniform subsample
 * when there are more) with those moves joined: the one table every fit and the evaluation read.
 */

import { readColumns } from "../../lib/parquet";
import { addHistogram, emptyHistogram } from "../../model/drift";
import { allocateTable, copyRows, type FeatureTable, joinMarket } from "../../model/feature-table";
import { emptyMarketTally, type MarketTable, marketTable, mergeMarketTally } from "../../model/market";
import { baselineRules } from "../../model/rules";
import { pipelineKeys } from "../artifact-keys";
import { getBytes, getJson, type ObjectRef, putObject } from "../storage";
import { readTable, writeTable } from "../tables";
import { type ShardStats, sampled } from "./features";

/** Everything the assemble step depends on. */
export type AssembleInput = { stats: ObjectRef[]; samples: ObjectRef[]; sample_rate: number; max_rows: number };

/** What it wrote, and the data's first date and size. */
export type AssembleOutput = {
	market: ObjectRef;
	table: ObjectRef;
	rows: number;
	eligible: number;
	data_from: string;
	returns: { reference: number[]; recent: number[] };
	/**
	 * A digest of the training table's rows per date: a fold's fit depends only on the rows up to
	 * the last day it judges, so its cache key is made of these and survives the next night.
	 */
	digests: Record<string, string>;
};

/** A power of two at or below `rate` (at most 1): sample rates that stay put from one night to the next. */
export const steadyRate = (rate: number) => (rate >= 1 ? 1 : 2 ** Math.floor(Math.log2(rate)));

/** FNV-1a over 32-bit words, two lanes: a fast, stable digest of each date's rows. */
function dateDigests(t: FeatureTable): Record<string, string> {
	const lanes = new Map<string, [number, number]>();
	const word = new Float32Array(1);
	const bits = new Uint32Array(word.buffer);
	const mix = (h: [number, number], v: number) => {
		h[0] = Math.imul(h[0] ^ v, 0x01000193) >>> 0;
		h[1] = Math.imul(h[1] ^ v, 0x01000193 + 0x2000) >>> 0;
	};
	for (let i = 0; i < t.date.length; i++) {
		const date = t.date[i] as string;
		let h = lanes.get(date);
		if (!h) {
			h = [0x811c9dc5, 0x1c9dc581];
			lanes.set(date, h);
		}
		const card = t.card_id[i] as string;
		for (let k = 0; k < card.length; k++) mix(h, card.charCodeAt(k));
		word[0] = t.price[i] as number;
		mix(h, bits[0] as number);
		mix(h, t.outcome[i] as number);
		for (const column of t.x) {
			word[0] = column[i] as number;
			mix(h, bits[0] as number);
		}
	}
	return Object.fromEntries(
		[...lanes.entries()]
			.sort(([a], [b]) => (a < b ? -1 : 1))
			.map(([d, [a, b]]) => [d, a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0")]),
	);
}

/** Merges the shards' tallies and samples. */
export async function assembleTraining(
	bucket: R2Bucket,
	input: AssembleInput,
	inputHash: string,
): Promise<AssembleOutput> {
	const tally = emptyMarketTally();
	const reference = emptyHistogram();
	const recent = emptyHistogram();
	let sampledRows = 0;
	let eligible = 0;
	let from = "9999-12-31";
	for (const ref of input.stats) {
		const stats = await getJson<ShardStats>(bucket, ref.key);
		mergeMarketTally(tally, stats.market);
		addHistogram(reference, stats.returns.reference);
		addHistogram(recent, stats.returns.recent);
		sampledRows += stats.sampled;
		eligible += stats.eligible;
		if (stats.first_date < from) from = stats.first_date;
	}
	// One large thing at a time: the market's means are taken and written, and the tally let go,
	// before any sample is read.
	let market: MarketTable | null = marketTable(tally);
	tally.market = null;
	tally.sets = {};
	const marketRef = await putObject(bucket, pipelineKeys.market(inputHash), market.bytes, "application/octet-stream");
	// The shards sampled at sample_rate; a lower rate keeps a uniform subset of their samples.
	const rate = steadyRate(input.sample_rate * Math.min(1, input.max_rows / Math.max(1, sampledRows)));
	const rules = baselineRules().length;
	// Two passes, so the kept rows are held once: which rows each shard keeps (from its card and
	// date columns alone), then each shard's kept rows copied straight into a table of that size.
	const keeps: Uint32Array[] = [];
	for (const ref of input.samples) {
		const { card_id, date } = await readColumns(await getBytes(bucket, ref.key), ["card_id", "date"]);
		const keep: number[] = [];
		for (let i = 0; i < (date?.length ?? 0); i++)
			if (sampled(card_id?.[i] as string, date?.[i] as string, rate)) keep.push(i);
		keeps.push(Uint32Array.from(keep));
	}
	const table = allocateTable(
		keeps.reduce((n, k) => n + k.length, 0),
		rules,
	);
	let at = 0;
	for (const [s, ref] of input.samples.entries()) {
		const keep = keeps[s] as Uint32Array;
		if (keep.length === 0) continue;
		copyRows((await readTable(await getBytes(bucket, ref.key), { rules })).table, keep, table, at);
		at += keep.length;
	}
	joinMarket(table, market);
	// The moves are joined: let them go before the writer allocates its buffers.
	market = null;
	const tableRef = await putObject(
		bucket,
		pipelineKeys.trainingTable(inputHash),
		writeTable(table, { cross: true, rules }),
		"application/vnd.apache.parquet",
	);
	return {
		market: marketRef,
		table: tableRef,
		rows: table.date.length,
		eligible,
		data_from: from,
		returns: { reference, recent },
		digests: dateDigests(table),
	};
}
