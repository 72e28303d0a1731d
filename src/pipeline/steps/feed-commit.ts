/**
 * Step "commit day": the night's stored price responses become the day's snapshot in the price
 * history (source `tcgcsv`, one series per product and printing with a market price; a null is a
 * gap and a zero is refused). The snapshot is merged over the day's stored one, so collecting a
 * day again replaces its prices card by card and never duplicates them, and the same responses
 * always give the same version: nothing changes. Too many failed groups fail the run instead,
 * with nothing written (what was fetched stays stored, so a second collection fetches only the rest).
 */
import type { Config } from "../../config";
import { getHistoryDay } from "../../db/history";
import { mergeDay } from "../../prices/history/day-store";
import { FeedDay } from "../../prices/tcgcsv/day-prices";
import { feedKeys, storedResponse } from "../../prices/tcgcsv/raw-store";
import { FatalStepError } from "../errors";
import type { FeedPlan } from "./feed-check";
import type { FeedBatchOutput } from "./feed-collect";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** What the night added to the history. */
export type DayCommit = {
	day: string;
	version: string | null;
	changed: boolean;
	rows: number;
	parts: number;
	groups: number;
	failed_groups: number;
	nulls: number;
	zeros: number;
};

/** Writes the night's snapshot from its stored responses. */
export async function commitFeedDay(
	env: Env,
	config: Config,
	runId: string,
	plan: FeedPlan,
	batches: readonly FeedBatchOutput[],
): Promise<DayCommit> {
	const failed = batches.reduce((a, b) => a + b.failed, 0);
	const base = { day: plan.day, groups: plan.groups, failed_groups: failed, nulls: 0, zeros: 0 };
	if (plan.groups === 0) {
		// The feed has moved on and nothing of this day was kept: the stored day stands as it is.
		const stored = await getHistoryDay(env.DB, plan.day, "tcgcsv");
		return {
			...base,
			version: stored?.version ?? null,
			changed: false,
			rows: stored?.rows ?? 0,
			parts: stored?.parts ?? 0,
		};
	}
	if (failed / plan.groups > config.COLLECT_MAX_FAILURE_SHARE) {
		const why = batches.find((b) => b.moved_on)?.moved_on;
		throw new FatalStepError(
			`${failed} of ${plan.groups} groups could not be collected (more than COLLECT_MAX_FAILURE_SHARE ` +
				`${config.COLLECT_MAX_FAILURE_SHARE * 100}%)${why ? `; ${why}` : ""}: ${plan.day} was not added to the history`,
		);
	}
	const feedDay = new FeedDay();
	for (const ref of plan.batches.flat()) {
		const key = feedKeys.prices(plan.day, ref.category, ref.group);
		const text = await storedResponse(env.ARCHIVE, key);
		if (text !== null) feedDay.add(text, key); // none: a failed group, a one-day gap for its cards
	}
	const { cards, prices, nulls, zeros } = feedDay.day;
	if (cards.length === 0) throw new FatalStepError(`the feed's ${plan.day} responses hold no market price`);
	const written = await mergeDay(env, { date: plan.day, source: "tcgcsv", by: runId }, { cards, prices });
	const { version, changed, rows, parts } = written;
	return { ...base, version, changed, rows, parts, nulls, zeros };
}
