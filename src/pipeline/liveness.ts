/**
 * Finding runs whose Worker died. A run's steps beat a heartbeat (`heartbeat_at`) at every start
 * and end; a run still marked queued or running is dead when its Workflow instance has ended
 * without recording an outcome (terminated, errored, or gone), or when it has made no progress
 * for longer than its running step's timeout. A dead run is marked failed, which frees its
 * (date, source, code version) key for a new start.
 */
import { endRun, type Run } from "../db/runs";
import { dropStaged } from "../db/serving";

/** Grace beyond a step's own timeout before a silent run counts as dead (retries back off). */
export const STALL_GRACE_SECONDS = 120;

/** Seconds a queued run may wait for its instance to take its first step. */
export const QUEUE_TIMEOUT_SECONDS = 600;

/** Why a run is dead, or null when it is alive (or already ended). */
export async function deadReason(workflow: Workflow, run: Run, now = Date.now()): Promise<string | null> {
	if (run.status !== "queued" && run.status !== "running") return null;
	let status: InstanceStatus["status"] | "missing";
	try {
		status = (await (await workflow.get(run.id)).status()).status;
	} catch {
		status = "missing";
	}
	if (status === "terminated" || status === "errored" || status === "complete" || status === "missing")
		return `its Workflow instance ${status === "missing" ? "is gone" : `ended (${status})`} without recording an outcome`;
	const last = Date.parse(run.heartbeat_at ?? run.started_at ?? run.created_at);
	const limit =
		(run.heartbeat_at ? (run.step_timeout_seconds ?? QUEUE_TIMEOUT_SECONDS) : QUEUE_TIMEOUT_SECONDS) +
		STALL_GRACE_SECONDS;
	const silent = (now - last) / 1000;
	if (silent > limit)
		return `no progress for ${Math.round(silent)} s, longer than its step timeout and grace (${limit} s)`;
	return null;
}

/** Marks a dead run failed (terminating its instance if it still lingers); returns whether it was. */
export async function failIfDead(
	env: { DB: D1Database; PIPELINE: Workflow },
	run: Run,
	now = Date.now(),
): Promise<boolean> {
	const reason = await deadReason(env.PIPELINE, run, now);
	if (!reason) return false;
	try {
		await (await env.PIPELINE.get(run.id)).terminate();
	} catch {
		// Already ended or gone: nothing to stop.
	}
	await env.DB.batch([
		endRun(env.DB, run.id, "failed", new Date(now).toISOString(), `the run died: ${reason}`),
		...dropStaged(env.DB, run.id),
	]);
	return true;
}
