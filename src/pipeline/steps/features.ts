/**
 * Step "features #n": one shard's raw prices into its feature table (every card-day, point in
 * time as of the run's data), a uniform sample of the card-days whose outcome is known (with
 * every baseline rule's answer, for training and scoring), and a summary: the shard's set and
 * market return tallies, its return histograms for drift, and its counts.
 */

import { CARD_FEATURES } from "../../model/card-features";
import { toSeries } from "../../model/card-series";
import { addDays } from "../../model/dates";
import { binOf, emptyHistogram } from "../../model/drift";
import { buildTable, OPEN, selectRows } from "../../model/feature-table";
import { shareOf } from "../../model/forecaster";
import { emptyMarketTally, type MarketTally } from "../../model/market";
import { baselineRules } from "../../model/rules";
import { readPrices } from "../../prices/price-parquet";
import { pipelineKeys } from "../artifact-keys";
import { getBytes, type ObjectRef, putObject } from "../storage";
import { writeTable } from "../tables";

/** Everything a features step depends on (its cache key is the hash of this and the code version). */
export type FeaturesInput = {
	shard: number;
	raw: ObjectRef;
	as_of: string;
	horizon: { days: number; move: number };
	min_price: number;
	/** The share of known card-days kept in the sample (uniform, by a hash of card and date). */
	sample_rate: number;
	drift: { recent_days: number; reference_days: number };
	/** Cards that get no signals (sealed products while SIGNAL_SEALED is false): never sampled for training. */
	no_signal: string[];
};

/** The per-shard summary beside the features. */
export type ShardStats = {
	rows: number;
	cards: number;
	/** Card-days whose outcome is known and whose price is at least min_price, and how many were sampled. */
	eligible: number;
	sampled: number;
	first_date: string;
	last_date: string;
	market: MarketTally;
	returns: { reference: number[]; recent: number[] };
};

/** What a features step wrote. */
export type FeaturesOutput = {
	shard: number;
	features: ObjectRef;
	sample: ObjectRef;
	stats: ObjectRef;
	rows: number;
	sampled: number;
	/** The share of known card-days sampled (the same for every shard of a run). */
	sample_rate: number;
};

const R1 = CARD_FEATURES.indexOf("r1");

/** Whether a card-day is in the sample at `rate` (the same decision in every step and run). */
export const sampled = (cardId: string, date: string, rate: number) => rate >= 1 || shareOf(`${cardId}|${date}`) < rate;

/** Builds one shard's features, sample and summary. */
export async function buildFeatureShard(
	bucket: R2Bucket,
	input: FeaturesInput,
	inputHash: string,
): Promise<FeaturesOutput> {
	const series = toSeries(await readPrices(await getBytes(bucket, input.raw.key)));
	const market = emptyMarketTally();
	const rules = baselineRules();
	const table = buildTable(series, { asOf: input.as_of, horizon: input.horizon, rules, market });
	const noSignal = new Set(input.no_signal);
	const names = series.flatMap((s) => s.dates.map(() => s.name));
	const keep: number[] = [];
	let eligible = 0;
	const recentAfter = addDays(input.as_of, -input.drift.recent_days);
	const referenceAfter = addDays(recentAfter, -input.drift.reference_days);
	const reference = emptyHistogram();
	const recent = emptyHistogram();
	let first = "9999-12-31";
	let last = "";
	for (let i = 0; i < table.date.length; i++) {
		const date = table.date[i] as string;
		if (date < first) first = date;
		if (date > last) last = date;
		const r1 = (table.x[R1] as Float32Array)[i] as number;
		if (!Number.isNaN(r1)) {
			const bin = binOf(Math.expm1(r1));
			if (date > recentAfter) (recent[bin] as number)++;
			else if (date > referenceAfter) (reference[bin] as number)++;
		}
		if (table.outcome[i] === OPEN || (table.price[i] as number) < input.min_price) continue;
		if (noSignal.has(table.card_id[i] as string)) continue;
		eligible++;
		if (sampled(table.card_id[i] as string, date, input.sample_rate)) keep.push(i);
	}
	const stats: ShardStats = {
		rows: table.date.length,
		cards: series.length,
		eligible,
		sampled: keep.length,
		first_date: first,
		last_date: last,
		market,
		returns: { reference, recent },
	};
	const [features, sample, statsRef] = await Promise.all([
		putObject(
			bucket,
			pipelineKeys.features(input.as_of, inputHash, input.shard),
			writeTable(table, { names: true, card_name: names }),
			"application/vnd.apache.parquet",
		),
		putObject(
			bucket,
			pipelineKeys.trainingSample(input.as_of, inputHash, input.shard),
			writeTable(selectRows(table, keep), { rules: rules.length }),
			"application/vnd.apache.parquet",
		),
		putObject(
			bucket,
			pipelineKeys.featureStats(input.as_of, inputHash, input.shard),
			JSON.stringify(stats),
			"application/json",
		),
	]);
	return {
		shard: input.shard,
		features,
		sample,
		stats: statsRef,
		rows: stats.rows,
		sampled: keep.length,
		sample_rate: input.sample_rate,
	};
}
