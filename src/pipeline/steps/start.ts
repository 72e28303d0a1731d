/** Step "start run": marks the run running, records its params and the champion it will be compared with. */
import type { Config } from "../../config";
import { getChampion } from "../../db/models";
import { putParams } from "../../db/run-records";
import { markRunning } from "../../db/runs";
import { getServingState } from "../../db/serving";
import { isSyntheticSource } from "../../prices/synthetic";
import { CODE_VERSION } from "../code-version";
import { FatalStepError } from "../errors";
import { type ModelRef, refOf } from "../model-ref";
import type { PipelineParams } from "../params";

/**
 * The serving champion when the run started (null before the first promotion), and the date of
 * the newest data serving (a run with older data compares with no champion and promotes nothing).
 */
export type StartOutput = {
	champion: (ModelRef & { data_as_of: string; source: string }) | null;
	serving_as_of: string | null;
};

/** The configuration a run records as params (everything that shapes its result). */
export function runParams(params: PipelineParams, config: Config): Record<string, unknown> {
	return {
		source: params.source,
		run_date: params.run_date,
		trigger: params.trigger,
		force: params.force,
		code_version: CODE_VERSION,
		shard_cards: config.PIPELINE_SHARD_CARDS,
		shard_rows: config.PIPELINE_SHARD_ROWS,
		selection_days: config.BACKTEST_SELECTION_DAYS,
		validation_days: config.BACKTEST_VALIDATION_DAYS,
		fold_days: config.BACKTEST_FOLD_DAYS,
		max_folds: config.BACKTEST_MAX_FOLDS,
		min_train_days: config.BACKTEST_MIN_TRAIN_DAYS,
		horizon_days: config.HORIZON_DAYS,
		horizon_move: config.HORIZON_MOVE,
		signal_min_price: config.SIGNAL_MIN_PRICE,
		signal_rate_floor: config.SIGNAL_RATE_FLOOR,
		gate_min_decided: config.GATE_MIN_DECIDED,
		train_max_rows: config.TRAIN_MAX_ROWS,
		drift_recent_days: config.DRIFT_RECENT_DAYS,
		drift_reference_days: config.DRIFT_REFERENCE_DAYS,
		drift_psi_threshold: config.DRIFT_PSI_THRESHOLD,
		drift_ks_threshold: config.DRIFT_KS_THRESHOLD,
		collect_max_failure_share: config.COLLECT_MAX_FAILURE_SHARE,
		...(params.source === "live"
			? {
					price_tracker_history_days: config.PRICE_TRACKER_HISTORY_DAYS,
					price_tracker_base_url: config.PRICE_TRACKER_BASE_URL,
				}
			: {}),
	};
}

/**
 * Marks the run running and records its params; returns the champion it will be compared with.
 * Synthetic prices never meet real ones: a synthetic run refuses a real champion, and a real run
 * a synthetic one.
 */
export async function startRun(
	db: D1Database,
	config: Config,
	runId: string,
	params: PipelineParams,
): Promise<StartOutput> {
	const [champion, serving] = await Promise.all([getChampion(db), getServingState(db)]);
	if (champion && champion.source !== "" && isSyntheticSource(champion.source) !== isSyntheticSource(params.source))
		throw new FatalStepError(
			isSyntheticSource(params.source)
				? `synthetic prices are never mixed with real ones, and the serving champion ${champion.version} comes from "${champion.source}": run synthetic benchmarks on fresh state (npm run bench -- pipeline)`
				: `the serving champion ${champion.version} was built from synthetic prices ("${champion.source}"); a real run never mixes with it: use fresh state`,
		);
	await db.batch([
		markRunning(db, runId, new Date().toISOString(), champion?.version ?? null),
		...putParams(db, runId, runParams(params, config)),
	]);
	const ref = champion ? refOf(champion) : null;
	return {
		champion: ref && champion ? { ...ref, data_as_of: champion.data_as_of, source: champion.source } : null,
		serving_as_of: serving?.data_as_of ?? null,
	};
}
