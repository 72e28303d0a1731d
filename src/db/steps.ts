/** D1 queries on `pipeline_steps`: each step of each run, and the step cache. */

/** Where a step is. */
export type StepStatus = "running" | "complete" | "failed";

/** A step as stored, with its outputs parsed. */
export type StepRecord = {
	name: string;
	kind: string;
	status: StepStatus;
	attempts: number;
	started_at: string;
	ended_at: string | null;
	input_hash: string | null;
	code_version: string;
	outputs: unknown;
	cached: boolean;
	error: string | null;
};

type StepRow = Omit<StepRecord, "outputs" | "cached"> & { outputs: string | null; cached: number };

/** Records an attempt of a step starting (the row is created on the first attempt). */
export function stepStarted(
	db: D1Database,
	s: {
		run_id: string;
		name: string;
		kind: string;
		attempt: number;
		at: string;
		input_hash: string | null;
		code_version: string;
	},
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO pipeline_steps (run_id, name, kind, status, attempts, started_at, input_hash, code_version)
			 VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7)
			 ON CONFLICT (run_id, name) DO UPDATE SET status = 'running', attempts = MAX(attempts, excluded.attempts),
			   input_hash = excluded.input_hash, error = NULL, ended_at = NULL`,
		)
		.bind(s.run_id, s.name, s.kind, s.attempt, s.at, s.input_hash, s.code_version);
}

/** Records how a step (attempt) ended. */
export function stepEnded(
	db: D1Database,
	s: {
		run_id: string;
		name: string;
		status: Exclude<StepStatus, "running">;
		at: string;
		outputs?: unknown;
		cached?: boolean;
		error?: string;
	},
): D1PreparedStatement {
	return db
		.prepare(
			`UPDATE pipeline_steps SET status = ?3, ended_at = ?4, outputs = COALESCE(?5, outputs), cached = ?6, error = ?7
			 WHERE run_id = ?1 AND name = ?2`,
		)
		.bind(
			s.run_id,
			s.name,
			s.status,
			s.at,
			s.outputs === undefined ? null : JSON.stringify(s.outputs),
			s.cached ? 1 : 0,
			s.error ?? null,
		);
}

/**
 * Records a step that failed before its own code could say so (every attempt failed in the
 * engine): creates the row if needed and marks it failed.
 */
export function stepFailedOutside(
	db: D1Database,
	s: { run_id: string; name: string; kind: string; at: string; code_version: string; error: string },
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO pipeline_steps (run_id, name, kind, status, attempts, started_at, ended_at, code_version, error)
			 VALUES (?1, ?2, ?3, 'failed', 0, ?4, ?4, ?5, ?6)
			 ON CONFLICT (run_id, name) DO UPDATE SET status = 'failed', ended_at = excluded.ended_at,
			   error = COALESCE(pipeline_steps.error, excluded.error)
			 WHERE pipeline_steps.status != 'complete'`,
		)
		.bind(s.run_id, s.name, s.kind, s.at, s.code_version, s.error);
}

/** The outputs of the newest successful step with this kind, input hash and code version, or null. */
export async function findCachedOutputs(
	db: D1Database,
	key: { kind: string; input_hash: string; code_version: string },
): Promise<unknown | null> {
	const row = await db
		.prepare(
			`SELECT outputs FROM pipeline_steps
			 WHERE kind = ? AND input_hash = ? AND code_version = ? AND status = 'complete' AND outputs IS NOT NULL
			 ORDER BY ended_at DESC LIMIT 1`,
		)
		.bind(key.kind, key.input_hash, key.code_version)
		.first<{ outputs: string }>();
	return row ? JSON.parse(row.outputs) : null;
}

/** Every step of a run, in the order they started. */
export async function listSteps(db: D1Database, runId: string): Promise<StepRecord[]> {
	const { results } = await db
		.prepare("SELECT * FROM pipeline_steps WHERE run_id = ? ORDER BY rowid")
		.bind(runId)
		.all<StepRow>();
	return results.map(({ outputs, cached, ...row }) => ({
		...row,
		outputs: outputs === null ? null : JSON.parse(outputs),
		cached: cached === 1,
	}));
}
