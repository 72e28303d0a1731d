/** Step "start run": marks the run running, records its params and the champion it will be compared with. */
import type { Config } from "../../config";
import { getChampion } from "../../db/models";
import { putParams } from "../../db/run-records";
import { markRunning } from "../../db/runs";
import { isSyntheticSource } from "../../lib/synthetic-prices";
import type { ModelSpec } from "../../model/fair-value";
import { CODE_VERSION } from "../code-version";
import { FatalStepError } from "../errors";
import type { PipelineParams } from "../params";

/** The serving champion when the run started (null before the first promotion). */
export type StartOutput = { champion: { version: string; spec: ModelSpec } | null };

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
		baseline_window: config.FAIR_VALUE_WINDOW,
		buy_threshold: config.BUY_THRESHOLD,
		sell_threshold: config.SELL_THRESHOLD,
		selection_days: config.BACKTEST_SELECTION_DAYS,
		validation_days: config.BACKTEST_VALIDATION_DAYS,
		horizon_days: config.HORIZON_DAYS,
		horizon_move: config.HORIZON_MOVE,
		signal_rate_floor: config.SIGNAL_RATE_FLOOR,
		gate_max_mape: config.GATE_MAX_MAPE,
		gate_min_coverage: config.GATE_MIN_COVERAGE,
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
	const champion = await getChampion(db);
	if (champion && isSyntheticSource(champion.source) !== isSyntheticSource(params.source))
		throw new FatalStepError(
			isSyntheticSource(params.source)
				? `synthetic prices are never mixed with real ones, and the serving champion ${champion.version} comes from "${champion.source}": run synthetic benchmarks on fresh state (npm run bench -- pipeline)`
				: `the serving champion ${champion.version} was built from synthetic prices ("${champion.source}"); a real run never mixes with it: use fresh state`,
		);
	await db.batch([
		markRunning(db, runId, new Date().toISOString(), champion?.version ?? null),
		...putParams(db, runId, runParams(params, config)),
	]);
	return { champion: champion ? { version: champion.version, spec: champion.spec } : null };
}
