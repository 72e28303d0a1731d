/** Starting a run: one path for the API, the CLI, `npm start` and the cron. */
import { endRun, getRun, insertRun, liveKey, type Run, type RunTrigger, runByLiveKey } from "../db/runs";
import { CODE_VERSION } from "./code-version";
import { failIfDead } from "./liveness";
import type { PipelineInput } from "./params";

/** What to run. */
export type RunRequest = { source: string; run_date: string; trigger: RunTrigger; force: boolean; republish?: boolean };

/** A fresh run id: `run-YYYYMMDD-<8 hex>`. */
export const newRunId = (runDate: string) => `run-${runDate.replaceAll("-", "")}-${crypto.randomUUID().slice(0, 8)}`;

/** Raised when the Workflow instance could not be created; the run row is marked failed. */
export class RunNotStartedError extends Error {
	override name = "RunNotStartedError";
}

/**
 * Starts a run, or answers the live run already holding its (date, source, code version): a
 * queued, running, complete or rejected one. A run whose Worker died is failed first (which
 * frees the key). Exactly one run wins under any concurrency: the insert is conditional on a
 * unique index, never on a read before it. `force` gives the run a key of its own. With `id`
 * (the cron's `nightly-YYYY-MM-DD`) the id is also unique.
 */
export async function requestRun(
	env: { DB: D1Database; PIPELINE: Workflow },
	request: RunRequest,
	id?: string,
): Promise<{ run: Run; reused: boolean }> {
	const runId = id ?? newRunId(request.run_date);
	// A forced run, or a republish, holds a key of its own: it runs beside the night's run.
	const own = request.force || request.republish === true;
	const key = liveKey({ ...request, code_version: CODE_VERSION }, own ? runId : undefined);
	const holder = own ? null : await runByLiveKey(env.DB, key);
	if (holder && !(await failIfDead(env, holder))) return { run: holder, reused: true };
	const created_at = new Date().toISOString();
	const { republish: _republish, ...row } = request;
	const inserted = await insertRun(env.DB, {
		id: runId,
		...row,
		code_version: CODE_VERSION,
		created_at,
		live_key: key,
	}).run();
	if (inserted.meta.changes === 0) {
		// Another start won the key (or the id): answer its run.
		const winner = (await runByLiveKey(env.DB, key)) ?? (await getRun(env.DB, runId));
		if (winner) return { run: winner, reused: true };
		throw new RunNotStartedError(`a run for ${key} was started and ended while this one was being created; try again`);
	}
	const params: PipelineInput = { ...request };
	try {
		await env.PIPELINE.create({ id: runId, params });
	} catch (error) {
		await endRun(env.DB, runId, "failed", new Date().toISOString(), `could not start: ${String(error)}`).run();
		throw new RunNotStartedError(String(error));
	}
	const run = await getRun(env.DB, runId);
	if (!run) throw new Error(`run ${runId} vanished after it was created`);
	return { run, reused: false };
}
