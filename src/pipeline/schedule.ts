import type { PipelineParams } from "./pipeline-workflow";

/** R2 key of the most recently imported price file, which the nightly run rebuilds from. */
export const LATEST_IMPORT_KEY = "imports/latest.csv";

/** The deterministic instance id of a day's nightly run: a second trigger that day is a no-op. */
export const nightlyInstanceId = (date: Date) => `nightly-${date.toISOString().slice(0, 10)}`;

/** Cron handler: only creates the day's Workflow instance. */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
	const id = nightlyInstanceId(new Date(controller.scheduledTime));
	if (!(await env.ARCHIVE.head(LATEST_IMPORT_KEY))) {
		console.warn(
			JSON.stringify({ level: "warn", msg: "nightly run skipped: no imported prices", key: LATEST_IMPORT_KEY, id }),
		);
		return;
	}
	const params: PipelineParams = { csv_key: LATEST_IMPORT_KEY, source: "import" };
	try {
		await env.PIPELINE.create({ id, params });
		console.log(JSON.stringify({ level: "info", msg: "nightly run started", id }));
	} catch (error) {
		// Creating an id that exists fails: that day's run was already started.
		const existing = await env.PIPELINE.get(id).catch(() => null);
		if (!existing) throw error;
		console.log(JSON.stringify({ level: "info", msg: "nightly run already exists", id }));
	}
}
