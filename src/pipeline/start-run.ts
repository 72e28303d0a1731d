/** Starting a run: one path for the API, the CLI, `npm start` and the cron. */
import { endRun, findReusableRun, getRun, insertRun, type Run, type RunTrigger } from "../db/runs";
import { CODE_VERSION } from "./code-version";
import type { PipelineInput } from "./params";

/** What to run. */
export type RunRequest = { source: string; run_date: string; trigger: RunTrigger; force: boolean };

/** A fresh run id: `run-YYYYMMDD-<8 hex>`. */
export const newRunId = (runDate: string) => `run-${runDate.replaceAll("-", "")}-${crypto.randomUUID().slice(0, 8)}`;

/** Raised when the Workflow instance could not be created; the run row is marked failed. */
export class RunNotStartedError extends Error {
	override name = "RunNotStartedError";
}

/**
 * Starts a run. Without `id` (API, CLI, npm start) and without `force`, a run for the same date,
 * source and code version that is queued, running, complete or rejected is reused instead. With
 * `id` (the cron's `nightly-YYYY-MM-DD`), the id makes it idempotent: an existing instance is
 * reused. The run row is written before the instance is created, so it is visible at once.
 */
export async function requestRun(
	env: { DB: D1Database; PIPELINE: Workflow },
	request: RunRequest,
	id?: string,
): Promise<{ run: Run; reused: boolean }> {
	if (!id && !request.force) {
		const existing = await findReusableRun(env.DB, { ...request, code_version: CODE_VERSION });
		if (existing) return { run: existing, reused: true };
	}
	const runId = id ?? newRunId(request.run_date);
	const created_at = new Date().toISOString();
	await insertRun(env.DB, { id: runId, ...request, code_version: CODE_VERSION, created_at }).run();
	const params: PipelineInput = { ...request };
	try {
		await env.PIPELINE.create({ id: runId, params });
	} catch (error) {
		// Creating an id that exists fails: that run was already started (a second cron trigger).
		const existing = await env.PIPELINE.get(runId).catch(() => null);
		if (!existing) {
			await endRun(env.DB, runId, "failed", new Date().toISOString(), `could not start: ${String(error)}`).run();
			throw new RunNotStartedError(String(error));
		}
		const run = await getRun(env.DB, runId);
		if (!run) throw error;
		return { run, reused: true };
	}
	const run = await getRun(env.DB, runId);
	if (!run) throw new Error(`run ${runId} vanished after it was created`);
	return { run, reused: false };
}
