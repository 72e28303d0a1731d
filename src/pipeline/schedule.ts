import { getConfig } from "../config";
import { liveRuns } from "../db/runs";
import { failIfDead } from "./liveness";
import { requestRun } from "./start-run";

/** The deterministic instance id of a day's nightly run: a second trigger that day is a no-op. */
export const nightlyInstanceId = (date: Date) => `nightly-${date.toISOString().slice(0, 10)}`;

/**
 * Cron handler (`0 3 * * *`): only creates the day's Workflow instance, `nightly-YYYY-MM-DD`,
 * on the source PIPELINE_SOURCE names (`sample` in development and tests, `live` in staging
 * and production), for the scheduled day; first, any run whose Worker died is marked failed.
 */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
	for (const run of await liveRuns(env.DB))
		if (await failIfDead(env, run))
			console.warn(JSON.stringify({ level: "warn", msg: "failed a dead run", run_id: run.id }));
	const when = new Date(controller.scheduledTime);
	const id = nightlyInstanceId(when);
	const source = getConfig(env).PIPELINE_SOURCE;
	const { reused } = await requestRun(
		env,
		{ source, run_date: when.toISOString().slice(0, 10), trigger: "cron", force: false },
		id,
	);
	console.log(
		JSON.stringify({ level: "info", msg: reused ? "nightly run already exists" : "nightly run started", id, source }),
	);
}
