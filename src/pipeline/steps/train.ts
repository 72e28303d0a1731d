/** Step "train #n": every candidate's walk-forward backtest tallies over one shard's features. */
import { pipelineKeys } from "../../lib/artifact-keys";
import { readFeatures } from "../../lib/parquet";
import { type Candidate, tallyFeatures, type Windows } from "../../model/backtest";
import { getBytes, type ObjectRef, putObject } from "../storage";

/** Everything a train step depends on. */
export type TrainInput = {
	shard: number;
	features: ObjectRef;
	candidates: Candidate[];
	windows: Windows;
	move: number;
};

/** What a train step wrote. */
export type TrainOutput = { shard: number; tally: ObjectRef };

/**
 * Tallies every candidate over one shard (`train/h=<input hash>/part-NNNN.json`). The estimators
 * have no fitted parameters: training is scoring each one, day by day, on what it would have
 * said then against what happened next.
 */
export async function trainShard(bucket: R2Bucket, input: TrainInput, inputHash: string): Promise<TrainOutput> {
	const features = await readFeatures(await getBytes(bucket, input.features.key));
	const tally = tallyFeatures(features, input.candidates, input.windows, input.move);
	const ref = await putObject(
		bucket,
		pipelineKeys.train(inputHash, input.shard),
		JSON.stringify(tally),
		"application/json",
	);
	return { shard: input.shard, tally: ref };
}
