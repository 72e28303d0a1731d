/**
 * Steps "fit #k" and "fit final": the learned model's fits. Each fold is fitted only on the
 * training table's days whose outcome window ends before the fold starts, and predicts the days
 * it judges (held out); the final pair is fitted on every known day, with its calibration from
 * the cards it held out. Outputs are R2 objects: the fold's predictions, the final pair.
 */
import { pipelineKeys } from "../../lib/artifact-keys";
import { readTable } from "../../lib/parquet";
import type { Calibration } from "../../model/calibration";
import { type FittedPair, fitCalibrated, type Predictions } from "../../model/forecaster";
import type { GbtParams } from "../../model/gbt";
import { fitFold, trainingRows } from "../../model/nightly";
import type { Fold } from "../../model/walk-forward";
import { getBytes, getJson, type ObjectRef, putObject } from "../storage";

/** A fold fit's inputs. */
export type FoldInput = { table: ObjectRef; index: number; fold: Fold; min_price: number; gbt: GbtParams };

/** A fold's predictions as stored (typed arrays as plain arrays). */
type StoredPredictions = { rows: number[]; direction: number[]; move: number[]; base_up: number };

/** Fits one fold; null predictions when its training days are too few. */
export async function fitFoldStep(
	bucket: R2Bucket,
	input: FoldInput,
	inputHash: string,
): Promise<{ fold: number; predictions: ObjectRef | null; judged: number }> {
	const { table } = await readTable(await getBytes(bucket, input.table.key), { cross: true });
	const p = fitFold(table, input.fold, { minPrice: input.min_price, gbt: input.gbt });
	if (!p) return { fold: input.index, predictions: null, judged: 0 };
	const stored: StoredPredictions = {
		rows: Array.from(p.rows),
		direction: Array.from(p.direction),
		move: Array.from(p.move),
		base_up: p.base_up,
	};
	const ref = await putObject(
		bucket,
		pipelineKeys.fold(inputHash, input.index),
		JSON.stringify(stored),
		"application/json",
	);
	return { fold: input.index, predictions: ref, judged: stored.rows.length };
}

/** Reads fold predictions back. */
export async function readPredictions(bucket: R2Bucket, ref: ObjectRef): Promise<Predictions> {
	const p = await getJson<StoredPredictions>(bucket, ref.key);
	return {
		rows: Int32Array.from(p.rows),
		direction: Float64Array.from(p.direction),
		move: Float64Array.from(p.move),
		base_up: p.base_up,
	};
}

/** The final fit's inputs. */
export type FinalInput = { table: ObjectRef; train_through: string; min_price: number; gbt: GbtParams };

/** The final pair and its calibration, as stored. */
export type FinalFit = { pair: FittedPair; calibration: Calibration };

/** Fits the served pair on every known day (null when there are too few). */
export async function fitFinalStep(
	bucket: R2Bucket,
	input: FinalInput,
	inputHash: string,
): Promise<{ final: ObjectRef | null; rows: number }> {
	const { table } = await readTable(await getBytes(bucket, input.table.key), { cross: true });
	const fit = fitCalibrated(table, trainingRows(table, input.train_through, input.min_price), input.gbt);
	if (!fit) return { final: null, rows: 0 };
	const ref = await putObject(bucket, pipelineKeys.finalFit(inputHash), JSON.stringify(fit), "application/json");
	return { final: ref, rows: fit.pair.rows };
}
