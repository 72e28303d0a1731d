/**
 * Step "finalize": ends the run in one D1 transaction. When the run is not older than what
 * serves, serving moves to its data (`serving_state`), and when the gate promoted a model the
 * champion alias moves to it, only if it still names the champion the run compared with; the
 * run is marked complete (promoted) or rejected (the gate kept the champion; the night's data
 * was published all the same).
 */
import { promoteIfUnchanged } from "../../db/models";
import { getRun } from "../../db/runs";
import { publishStaged, setServingState } from "../../db/serving";
import { recordStaged } from "../../db/track-record";

/** What finalize needs. */
export type FinalizeInput = {
	run_date: string;
	data_as_of: string;
	serving_version: string;
	/** The gate passed the challenger (it serves; `promote` says whether the alias must move to it). */
	passed: boolean;
	promote: boolean;
	expected: string | null;
	/** The run's data is older than what serves: serving's date stays, only the epoch moves. */
	older: boolean;
	reason: string | null;
};

/** How the run ended. */
export type FinalizeOutput = { status: "complete" | "rejected"; promoted: boolean; reason: string | null };

/**
 * Ends the run. Safe to retry, and inert for a run no longer running (failed meanwhile by the
 * liveness check, which also dropped its staged rows): every statement is conditional on it.
 */
export async function finalizeRun(db: D1Database, runId: string, input: FinalizeInput): Promise<FinalizeOutput> {
	const at = new Date().toISOString();
	const running = "EXISTS (SELECT 1 FROM pipeline_runs WHERE id = ?1 AND status = 'running')";
	const statements: D1PreparedStatement[] = [];
	if (input.promote) {
		statements.push(
			promoteIfUnchanged(db, input.serving_version, input.expected, at, "champion", runId),
			db
				.prepare(
					`INSERT INTO alias_events (alias, version, previous, actor, at)
					 SELECT 'champion', ?2, ?3, 'run:' || ?1, ?4
					 WHERE EXISTS (SELECT 1 FROM model_aliases WHERE alias = 'champion' AND version = ?2)
					   AND NOT EXISTS (SELECT 1 FROM alias_events WHERE actor = 'run:' || ?1) AND ${running}`,
				)
				.bind(runId, input.serving_version, input.expected, at),
		);
	}
	// Tonight's staged answers become what serves and what the track record says, all at once.
	const whileRunning = { whileRunning: true };
	statements.push(...publishStaged(db, runId, whileRunning), ...recordStaged(db, runId, whileRunning));
	statements.push(
		setServingState(
			db,
			{
				run_id: runId,
				run_date: input.run_date,
				data_as_of: input.data_as_of,
				model_version: input.serving_version,
				published_at: at,
			},
			{ whileRunning: true },
		),
	);
	const moved = input.promote ? "EXISTS (SELECT 1 FROM model_aliases WHERE alias = 'champion' AND version = ?2)" : "0";
	// Passed and (no move needed, or the move happened): complete. Otherwise rejected.
	const complete = input.passed ? (input.promote ? moved : "1") : "0";
	statements.push(
		db
			.prepare(
				`UPDATE pipeline_runs SET status = CASE WHEN ${complete} THEN 'complete' ELSE 'rejected' END,
				   promoted = CASE WHEN ${moved} THEN 1 ELSE 0 END, ended_at = ?3, serving_version = ?2,
				   published = ?5, reason = ?4
				 WHERE id = ?1 AND status = 'running'`,
			)
			.bind(runId, input.serving_version, at, input.reason, input.older ? 0 : 1),
	);
	await db.batch(statements);
	const run = await getRun(db, runId);
	const promoted = run?.promoted === true;
	return {
		status: run?.status === "complete" ? "complete" : "rejected",
		promoted,
		reason:
			input.promote && !promoted
				? `the champion changed while the run was in progress (it was ${input.expected ?? "none"}); the night's data is published, the alias was left alone`
				: input.reason,
	};
}
