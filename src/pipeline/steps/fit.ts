/**
 * Steps "fit #k" and "fit final": the learned model's fits. Each fold is fitted only on the
 * training table's days whose outcome window ends before the fold starts, and predicts the days
 * it judges (held out); the final pair is fitted on every known day, with its calibration from
 * the cards it held out. Outputs are R2 objects: the fold's predictions, the final pair.
 */

import type { Calibration } from "../../model/calibration";
import type { FeatureTable } from "../../model/feature-table";
import { type FittedPair, fitCalibrated, type Predictions } from "../../model/forecaster";
import type { GbtParams } from "../../model/gbt";
import { fitFold, trainingRows } from "../../model/nightly";
import type { Fold } from "../../model/walk-forward";
import { pipelineKeys } from "../artifact-keys";
import { getBytes, getJson, type ObjectRef, putObject } from "../storage";
import { readTable } from "../tables";

/** A fold fit's inputs. */
export type FoldInput = { table: ObjectRef; index: number; fold: Fold; min_price: number; gbt: GbtParams };

/**
 * A fold's predictions as stored: keyed by card and date, not by row, since a cached fold is
 * read back against a later night's table (more rows, so other indices).
 */
type StoredPredictions = { cards: string[]; dates: string[]; direction: number[]; move: number[]; base_up: number };

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
		cards: Array.from(p.rows, (i) => table.card_id[i] as string),
		dates: Array.from(p.rows, (i) => table.date[i] as string),
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
	return { fold: input.index, predictions: ref, judged: stored.dates.length };
}

/** The table's rows by card and date (`readPredictions` looks judged days up in it). */
export function rowIndex(table: FeatureTable): Map<string, number> {
	const index = new Map<string, number>();
	for (let i = 0; i < table.date.length; i++) index.set(`${table.card_id[i]}\u0000${table.date[i]}`, i);
	return index;
}

/** Reads fold predictions back as rows of `table` (a judged day missing from it is dropped). */
export async function readPredictions(
	bucket: R2Bucket,
	ref: ObjectRef,
	table: FeatureTable,
	index: Map<string, number> = rowIndex(table),
): Promise<Predictions> {
	const p = await getJson<StoredPredictions>(bucket, ref.key);
	const rows: number[] = [];
	const direction: number[] = [];
	const move: number[] = [];
	p.dates.forEach((date, k) => {
		const i = index.get(`${p.cards[k]}\u0000${date}`);
		if (i === undefined) return;
		rows.push(i);
		direction.push(p.direction[k] as number);
		move.push(p.move[k] as number);
	});
	return {
		rows: Int32Array.from(rows),
		direction: Float64Array.from(direction),
		move: Float64Array.from(move),
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
