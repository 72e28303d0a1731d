/** Step "features #n": one shard's raw prices into the feature table, plus its summary. */
import { pipelineKeys } from "../../lib/artifact-keys";
import { readPrices, writeFeatures } from "../../lib/parquet";
import { toSeries } from "../../model/card-series";
import { addDays } from "../../model/dates";
import { binOf, emptyHistogram } from "../../model/drift";
import type { EstimatorSpec } from "../../model/estimators";
import { buildFeatures } from "../../model/features";
import { type CardDigest, cardArtifact, digestOf } from "../publish-model";
import { getBytes, type ObjectRef, putObject } from "../storage";

/** Everything a features step depends on (its cache key is the hash of this and the code version). */
export type FeaturesInput = {
	shard: number;
	raw: ObjectRef;
	as_of: string;
	estimators: EstimatorSpec[];
	horizon_days: number;
	drift: { recent_days: number; reference_days: number };
};

/** The per-shard summary beside the features: each card's artifact digest and the return histograms. */
export type ShardStats = {
	cards: CardDigest[];
	rows: number;
	returns: { reference: number[]; recent: number[] };
};

/** What a features step wrote. */
export type FeaturesOutput = { shard: number; features: ObjectRef; stats: ObjectRef; rows: number };

/**
 * Builds one shard's features (`features/as_of=…/h=<input hash>/part-NNNN.parquet`) and its
 * summary (`….stats.json`). Daily returns fall in the recent window (the last
 * `recent_days` up to as_of) or the reference window (the `reference_days` before it).
 */
export async function buildFeatureShard(
	bucket: R2Bucket,
	input: FeaturesInput,
	inputHash: string,
): Promise<FeaturesOutput> {
	const series = toSeries(await readPrices(await getBytes(bucket, input.raw.key)));
	const features = buildFeatures(series, input.estimators, { asOf: input.as_of, horizonDays: input.horizon_days });
	const recentAfter = addDays(input.as_of, -input.drift.recent_days);
	const referenceAfter = addDays(recentAfter, -input.drift.reference_days);
	const reference = emptyHistogram();
	const recent = emptyHistogram();
	features.ret.forEach((r, i) => {
		const date = features.date[i] as string;
		if (r === null || date > input.as_of) return;
		if (date > recentAfter) (recent[binOf(r)] as number)++;
		else if (date > referenceAfter) (reference[binOf(r)] as number)++;
	});
	const stats: ShardStats = {
		cards: await Promise.all(series.map(async (s) => digestOf(s, (await cardArtifact(s)).sha256))),
		rows: features.date.length,
		returns: { reference, recent },
	};
	const [featuresRef, statsRef] = await Promise.all([
		putObject(
			bucket,
			pipelineKeys.features(input.as_of, inputHash, input.shard),
			writeFeatures(features),
			"application/vnd.apache.parquet",
		),
		putObject(
			bucket,
			pipelineKeys.featureStats(input.as_of, inputHash, input.shard),
			JSON.stringify(stats),
			"application/json",
		),
	]);
	return { shard: input.shard, features: featuresRef, stats: statsRef, rows: stats.rows };
}
