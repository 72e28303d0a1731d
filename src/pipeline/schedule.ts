import { type Config, getConfig } from "../config";
import { addFeedRequests } from "../db/feed";
import { getRun, liveRuns } from "../db/runs";
import { FeedClient } from "../prices/tcgcsv/client";
import { failIfDead } from "./liveness";
import { requestRun } from "./start-run";
import { askFeedDay, feedOptions, requestDay, todaysBudget } from "./steps/feed-check";

/** The deterministic instance id of a day's nightly run: a second trigger that day is a no-op. */
export const nightlyInstanceId = (date: Date | string) =>
	`nightly-${typeof date === "string" ? date : date.toISOString().slice(0, 10)}`;

/** The most nightly runs a day may start when the earlier ones failed (the feed down, then back). */
const MAX_NIGHTLY_ATTEMPTS = 6;

const log = (level: "info" | "warn", msg: string, fields: Record<string, unknown>) =>
	(level === "warn" ? console.warn : console.log)(JSON.stringify({ level, msg, ...fields }));

/**
 * The day a nightly run is for: the UTC date, or for `tcgcsv` the day the feed has published
 * (`last-updated.txt`), so a run is dated by the feed's day and a feed not yet updated starts
 * nothing new. `asked` says whether the feed answered.
 */
async function nightlyDay(env: Env, config: Config, when: Date): Promise<{ day: string; asked: boolean | null }> {
	const utc = when.toISOString().slice(0, 10);
	if (config.PIPELINE_SOURCE !== "tcgcsv") return { day: utc, asked: null };
	const client = new FeedClient(feedOptions(config), await todaysBudget(env.DB, config));
	const answer = await askFeedDay(client);
	if (client.requests > 0) await addFeedRequests(env.DB, requestDay(), client.requests).run();
	if (answer.ok) return { day: answer.value.day, asked: true };
	log("warn", "the feed did not answer; the night's run will fail with the reason", { error: answer.error });
	return { day: utc, asked: false };
}

/**
 * Cron handler (hourly, `30 * * * *`): fails any run whose Worker died, then creates the night's
 * Workflow instance, `nightly-YYYY-MM-DD`, on the source PIPELINE_SOURCE names (`sample` in
 * development and tests, `tcgcsv` in staging and production). For the feed, the night is its
 * published day: triggers before its publish (about 20:00 UTC) find that night's run done and
 * start nothing; the first one after it starts the run. A night whose run failed is tried again
 * under `nightly-YYYY-MM-DD-2`, … once the feed answers again.
 */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
	for (const run of await liveRuns(env.DB))
		if (await failIfDead(env, run)) log("warn", "failed a dead run", { run_id: run.id });
	const config = getConfig(env);
	const source = config.PIPELINE_SOURCE;
	const { day, asked } = await nightlyDay(env, config, new Date(controller.scheduledTime));
	let id = nightlyInstanceId(day);
	for (let attempt = 2; attempt <= MAX_NIGHTLY_ATTEMPTS; attempt++) {
		const earlier = await getRun(env.DB, id);
		if (earlier?.status !== "failed" || asked !== true) break;
		id = `${nightlyInstanceId(day)}-${attempt}`;
	}
	const { run, reused } = await requestRun(env, { source, run_date: day, trigger: "cron", force: false }, id);
	log("info", reused ? "nightly run already exists" : "nightly run started", {
		id: run.id,
		source,
		run_date: day,
		status: run.status,
	});
}
