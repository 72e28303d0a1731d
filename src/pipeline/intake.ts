/**
 * A run's own collection into the price history, before it plans its shards: the whole TCGCSV
 * feed (`tcgcsv`: check the feed, collect its groups in batches, commit the day) or the Price
 * Tracker API (`live`: the card universe in batches). Other sources collect nothing here.
 */
import type { Config } from "../config";
import { cardUniverse } from "../prices/price-tracker/universe";
import type { CollectState } from "../prices/sources";
import type { PipelineParams } from "./params";
import { STEP_CONFIG } from "./step-config";
import { STEP, shardStep } from "./step-names";
import type { IntakeSummary } from "./steps/collect";
import { checkFeed } from "./steps/feed-check";
import { collectFeedBatch, type FeedBatchOutput } from "./steps/feed-collect";
import { commitFeedDay } from "./steps/feed-commit";
import { collectLiveBatch, liveBatches } from "./steps/live-collect";
import type { StepRunner } from "./tracking";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** Runs the intake steps of the run's source; null for sources that read no history. */
export async function collectIntoHistory(
	env: Env,
	config: Config,
	steps: StepRunner,
	params: PipelineParams,
): Promise<IntakeSummary | null> {
	const { runId } = steps;
	if (params.source === "tcgcsv") {
		const plan = await steps.do(STEP.feedCheck, STEP_CONFIG.collect, () =>
			checkFeed(env, config, runId, params.run_date),
		);
		const batches: FeedBatchOutput[] = [];
		for (const index of plan.batches.keys())
			batches.push(
				await steps.do(shardStep(STEP.feedCollect, index), STEP_CONFIG.collect, () =>
					collectFeedBatch(env, config, runId, plan, index),
				),
			);
		const commit = await steps.do(STEP.commitDay, STEP_CONFIG.compute, () =>
			commitFeedDay(env, config, runId, plan, batches),
		);
		return {
			unit: "groups",
			planned: plan.groups,
			failed: commit.failed_groups,
			skipped: 0,
			stopped: batches.find((b) => b.moved_on)?.moved_on ?? null,
		};
	}
	if (params.source === "live") {
		const universe = cardUniverse();
		let state: CollectState = { dailyRemaining: null, stopped: null };
		const summary: IntakeSummary = { unit: "cards", planned: universe.length, failed: 0, skipped: 0, stopped: null };
		for (const [index, cards] of liveBatches(config, universe).entries()) {
			const carried = state;
			const out = await steps.do(shardStep(STEP.liveCollect, index), STEP_CONFIG.collect, () =>
				collectLiveBatch(env, config, runId, params.run_date, index, cards, carried),
			);
			summary.failed += out.failed;
			summary.skipped += out.skipped;
			state = out.state;
		}
		summary.stopped = state.stopped;
		return summary;
	}
	return null;
}
