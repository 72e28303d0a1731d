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
	/** The (date, source, code version) key a live run holds; null once it failed. */
	live_key: string | null;
	heartbeat_at: string | null;
	step_timeout_seconds: number | null;
	/** The model the run published with, and whether serving moved to its data. */
	serving_version: string | null;
	published: boolean;
};

type RunRow = Omit<Run, "force" | "promoted" | "published"> & { force: number; promoted: number; published: number };
const fromRow = (row: RunRow): Run => ({
	...row,
	force: row.force === 1,
	promoted: row.promoted === 1,
	published: row.published === 1,
});

/** The key one live run per (date, source, code version) holds; a forced run's own key also names it. */
export const liveKey = (k: { run_date: string; source: string; code_version: string }, forcedId?: string) =>
	`${k.run_date}|${k.source}|${k.code_version}${forcedId ? `|force:${forcedId}` : ""}`;

/**
 * Statement registering a run as queued. A no-op when the id exists or another live run holds
 * the same key: the unique index decides, whatever the concurrency.
 */
export function insertRun(
	db: D1Database,
	run: Pick<Run, "id" | "trigger" | "source" | "run_date" | "force" | "code_version" | "created_at"> & {
		live_key?: string;
	},
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO pipeline_runs (id, instance_id, trigger, source, run_date, status, force, code_version, created_at, live_key)
			 VALUES (?1, ?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING`,
		)
		.bind(
			run.id,
			run.trigger,
			run.source,
			run.run_date,
			run.force ? 1 : 0,
			run.code_version,
			run.created_at,
			run.live_key ?? liveKey(run, run.force ? run.id : undefined),
		);
}

/** The run holding a live key, or null. */
export async function runByLiveKey(db: D1Database, key: string): Promise<Run | null> {
	const row = await db.prepare("SELECT * FROM pipeline_runs WHERE live_key = ?").bind(key).first<RunRow>();
	return row ? fromRow(row) : null;
}

/** Statement noting progress: a step started or ended, and the timeout of the step now running. */
export function heartbeat(db: D1Database, id: string, at: string, stepTimeoutSeconds: number): D1PreparedStatement {
	return db
		.prepare("UPDATE pipeline_runs SET heartbeat_at = ?2, step_timeout_seconds = ?3 WHERE id = ?1")
		.bind(id, at, stepTimeoutSeconds);
}

/** Runs still queued or running, oldest first (the cron sweeps them for dead ones). */
export async function liveRuns(db: D1Database, limit = 50): Promise<Run[]> {
	const { results } = await db
		.prepare("SELECT * FROM pipeline_runs WHERE status IN ('queued', 'running') ORDER BY created_at LIMIT ?")
		.bind(limit)
		.all<RunRow>();
	return results.map(fromRow);
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
	// A failed run frees its key, so the same date, source and code version can run again.
	return db
		.prepare(
			`UPDATE pipeline_runs SET status = ?2, ended_at = ?3, reason = ?4, promoted = ?5,
			   live_key = CASE WHEN ?2 = 'failed' THEN NULL ELSE live_key END
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
