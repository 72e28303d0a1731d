/** Step "promote": moves the champion alias to the run's version and completes the run, in one D1 transaction. */
import { promoteIfUnchanged } from "../../db/models";
import { getRun } from "../../db/runs";
import { FatalStepError } from "../errors";

/**
 * Moves `champion` to `version` only if it still names the champion the run was compared with,
 * records the move, and marks the run complete: all in one batch (one transaction), so a failure
 * leaves the old champion serving and the run unfinished. Safe to retry.
 */
export async function promoteRun(
	db: D1Database,
	runId: string,
	input: { version: string; expected: string | null },
): Promise<{ version: string; previous: string | null }> {
	const at = new Date().toISOString();
	const namesVersion = "EXISTS (SELECT 1 FROM model_aliases WHERE alias = 'champion' AND version = ?2)";
	await db.batch([
		promoteIfUnchanged(db, input.version, input.expected, at),
		db
			.prepare(
				`INSERT INTO alias_events (alias, version, previous, actor, at)
				 SELECT 'champion', ?2, ?3, 'run:' || ?1, ?4
				 WHERE ${namesVersion} AND NOT EXISTS (SELECT 1 FROM alias_events WHERE actor = 'run:' || ?1)`,
			)
			.bind(runId, input.version, input.expected, at),
		db
			.prepare(
				`UPDATE pipeline_runs SET status = 'complete', promoted = 1, ended_at = ?3, model_version = ?2
				 WHERE id = ?1 AND status = 'running' AND ${namesVersion}`,
			)
			.bind(runId, input.version, at),
	]);
	const run = await getRun(db, runId);
	if (run?.status !== "complete" || !run.promoted)
		throw new FatalStepError(
			`the champion changed while the run was in progress (it was ${input.expected ?? "none"}); ` +
				"re-run to compare against the new champion",
		);
	return { version: input.version, previous: input.expected };
}
