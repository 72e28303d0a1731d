/** D1 queries on `pipeline_runs`: one row per pipeline run. */

/** Where a run is. */
export type RunStatus = "queued" | "running" | "complete" | "rejected" | "failed";
/** What started a run. */
export type RunTrigger = "cron" | "api" | "cli" | "start";

/** A run as stored. */
export type Run = {
	id: string;
	instance_id: string;
	trigger: RunTrigger;
	source: string;
	run_date: string;
	status: RunStatus;
	force: boolean;
	code_version: string;
	created_at: string;
	started_at: string | null;
	ended_at: string | null;
	champion_before: string | null;
	candidate: string | null;
	model_version: string | null;
	promoted: boolean;
	reason: string | null;
};

type RunRow = Omit<Run, "force" | "promoted"> & { force: number; promoted: number };
const fromRow = (row: RunRow): Run => ({ ...row, force: row.force === 1, promoted: row.promoted === 1 });

/** Statement registering a run as queued (a no-op when the id exists). */
export function insertRun(
	db: D1Database,
	run: Pick<Run, "id" | "trigger" | "source" | "run_date" | "force" | "code_version" | "created_at">,
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO pipeline_runs (id, instance_id, trigger, source, run_date, status, force, code_version, created_at)
			 VALUES (?1, ?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING`,
		)
		.bind(run.id, run.trigger, run.source, run.run_date, run.force ? 1 : 0, run.code_version, run.created_at);
}

/** Statement marking a run as running, remembering the champion it will be compared with. */
export function markRunning(db: D1Database, id: string, at: string, championBefore: string | null) {
	return db
		.prepare(
			`UPDATE pipeline_runs SET status = 'running', started_at = COALESCE(started_at, ?2), champion_before = ?3
			 WHERE id = ?1 AND status IN ('queued', 'running')`,
		)
		.bind(id, at, championBefore);
}

/** Statement recording the chosen candidate and the version it will be published as. */
export function setRunModel(db: D1Database, id: string, candidate: string | null, version: string | null) {
	return db
		.prepare(
			"UPDATE pipeline_runs SET candidate = COALESCE(?2, candidate), model_version = COALESCE(?3, model_version) WHERE id = ?1",
		)
		.bind(id, candidate, version);
}

/** Statement ending a run (only a run that has not ended already). */
export function endRun(
	db: D1Database,
	id: string,
	status: Exclude<RunStatus, "queued" | "running">,
	at: string,
	reason: string | null,
	promoted = false,
): D1PreparedStatement {
	return db
		.prepare(
			`UPDATE pipeline_runs SET status = ?2, ended_at = ?3, reason = ?4, promoted = ?5
			 WHERE id = ?1 AND status IN ('queued', 'running')`,
		)
		.bind(id, status, at, reason, promoted ? 1 : 0);
}

/** One run, or null. */
export async function getRun(db: D1Database, id: string): Promise<Run | null> {
	const row = await db.prepare("SELECT * FROM pipeline_runs WHERE id = ?").bind(id).first<RunRow>();
	return row ? fromRow(row) : null;
}

/** Runs newest first, strictly before the `(created_at, id)` cursor, optionally of one status. */
export async function listRuns(
	db: D1Database,
	options: { limit: number; before?: { created_at: string; id: string }; status?: RunStatus },
): Promise<Run[]> {
	const { results } = await db
		.prepare(
			`SELECT * FROM pipeline_runs
			 WHERE (?1 IS NULL OR created_at < ?1 OR (created_at = ?1 AND id < ?2)) AND (?3 IS NULL OR status = ?3)
			 ORDER BY created_at DESC, id DESC LIMIT ?4`,
		)
		.bind(options.before?.created_at ?? null, options.before?.id ?? "", options.status ?? null, options.limit)
		.all<RunRow>();
	return results.map(fromRow);
}

/**
 * The run a new request for the same date, source and code version can reuse: the newest one
 * that is queued, running, complete or rejected (a failed run is retried, not reused).
 */
export async function findReusableRun(
	db: D1Database,
	key: { run_date: string; source: string; code_version: string },
): Promise<Run | null> {
	const row = await db
		.prepare(
			`SELECT * FROM pipeline_runs WHERE run_date = ? AND source = ? AND code_version = ? AND status != 'failed'
			 ORDER BY created_at DESC, id DESC LIMIT 1`,
		)
		.bind(key.run_date, key.source, key.code_version)
		.first<RunRow>();
	return row ? fromRow(row) : null;
}
