/** D1 queries on what a run records: params, metrics, artifacts and per-card collection outcomes. */
import { insertRows } from "./batch";

/** One metric of a run. `subject` says what it measures, `window_name` over which window. */
export type MetricRow = { subject: string; window_name: string; name: string; value: number | null };

/** An R2 object a run wrote or reused. */
export type ArtifactRow = { r2_key: string; kind: string; bytes: number; sha256: string; created_at: string };

/** What happened to one card of a live collection. */
export type OutcomeRow = {
	card_id: string;
	tcgplayer_id: string;
	status: "ok" | "failed" | "skipped";
	points: number;
	attempts: number;
	http_status: number | null;
	error: string | null;
};

/** Statements upserting a run's params (values stored as JSON). */
export function putParams(db: D1Database, runId: string, params: Record<string, unknown>): D1PreparedStatement[] {
	return insertRows(
		db,
		"INSERT INTO run_params (run_id, name, value)",
		"ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value",
		Object.entries(params).map(([name, value]) => [runId, name, JSON.stringify(value ?? null)]),
	);
}

/** Statements upserting metrics (a re-run of a step overwrites, never duplicates). */
export function putMetrics(db: D1Database, runId: string, rows: readonly MetricRow[]): D1PreparedStatement[] {
	return insertRows(
		db,
		"INSERT INTO run_metrics (run_id, subject, window_name, name, value)",
		"ON CONFLICT (run_id, subject, window_name, name) DO UPDATE SET value = excluded.value",
		rows.map((m) => [
			runId,
			m.subject,
			m.window_name,
			m.name,
			m.value !== null && Number.isFinite(m.value) ? m.value : null,
		]),
	);
}

/** Statements upserting artifacts. */
export function putArtifacts(db: D1Database, runId: string, rows: readonly ArtifactRow[]): D1PreparedStatement[] {
	return insertRows(
		db,
		"INSERT INTO run_artifacts (run_id, r2_key, kind, bytes, sha256, created_at)",
		"ON CONFLICT (run_id, r2_key) DO UPDATE SET bytes = excluded.bytes, sha256 = excluded.sha256",
		rows.map((a) => [runId, a.r2_key, a.kind, a.bytes, a.sha256, a.created_at]),
	);
}

/** Statements upserting card outcomes. */
export function putOutcomes(db: D1Database, runId: string, rows: readonly OutcomeRow[]): D1PreparedStatement[] {
	return insertRows(
		db,
		"INSERT INTO collect_outcomes (run_id, card_id, tcgplayer_id, status, points, attempts, http_status, error)",
		`ON CONFLICT (run_id, card_id) DO UPDATE SET status = excluded.status, points = excluded.points,
		   attempts = excluded.attempts, http_status = excluded.http_status, error = excluded.error`,
		rows.map((o) => [runId, o.card_id, o.tcgplayer_id, o.status, o.points, o.attempts, o.http_status, o.error]),
	);
}

/** A run's params, parsed. */
export async function getParams(db: D1Database, runId: string): Promise<Record<string, unknown>> {
	const { results } = await db
		.prepare("SELECT name, value FROM run_params WHERE run_id = ? ORDER BY name")
		.bind(runId)
		.all<{ name: string; value: string }>();
	return Object.fromEntries(results.map((r) => [r.name, JSON.parse(r.value)]));
}

/** A run's metrics, optionally of some subjects only. */
export async function getMetrics(db: D1Database, runId: string, subjects?: readonly string[]): Promise<MetricRow[]> {
	const filter = subjects ? `AND subject IN (${subjects.map((_, i) => `?${i + 2}`).join(", ")})` : "";
	const { results } = await db
		.prepare(
			`SELECT subject, window_name, name, value FROM run_metrics WHERE run_id = ?1 ${filter}
			 ORDER BY subject, window_name, name`,
		)
		.bind(runId, ...(subjects ?? []))
		.all<MetricRow>();
	return results;
}

/** A run's artifacts in key order. */
export async function getArtifacts(db: D1Database, runId: string): Promise<ArtifactRow[]> {
	const { results } = await db
		.prepare("SELECT r2_key, kind, bytes, sha256, created_at FROM run_artifacts WHERE run_id = ? ORDER BY r2_key")
		.bind(runId)
		.all<ArtifactRow>();
	return results;
}

/** Counts of a run's card outcomes by status, and the first `limit` cards that were not collected. */
export async function getOutcomes(
	db: D1Database,
	runId: string,
	limit = 100,
): Promise<{ counts: Record<OutcomeRow["status"], number>; problems: OutcomeRow[] }> {
	const [counts, problems] = await db.batch<{ status: OutcomeRow["status"]; n: number } | OutcomeRow>([
		db.prepare("SELECT status, COUNT(*) AS n FROM collect_outcomes WHERE run_id = ? GROUP BY status").bind(runId),
		db
			.prepare(
				`SELECT card_id, tcgplayer_id, status, points, attempts, http_status, error FROM collect_outcomes
				 WHERE run_id = ? AND status != 'ok' ORDER BY card_id LIMIT ?`,
			)
			.bind(runId, limit),
	]);
	const out = { ok: 0, failed: 0, skipped: 0 };
	for (const row of (counts?.results ?? []) as { status: OutcomeRow["status"]; n: number }[]) out[row.status] = row.n;
	return { counts: out, problems: (problems?.results ?? []) as OutcomeRow[] };
}

/** The drift figures of the newest run that computed them, or null. */
export async function latestDrift(
	db: D1Database,
): Promise<{ run_id: string; run_date: string; psi: number | null; ks: number | null; flagged: boolean } | null> {
	const row = await db
		.prepare(
			`SELECT m.run_id, r.run_date,
			   MAX(CASE WHEN m.name = 'psi' THEN m.value END) AS psi,
			   MAX(CASE WHEN m.name = 'ks' THEN m.value END) AS ks,
			   MAX(CASE WHEN m.name = 'flagged' THEN m.value END) AS flagged
			 FROM run_metrics m JOIN pipeline_runs r ON r.id = m.run_id
			 WHERE m.subject = 'drift'
			 GROUP BY m.run_id ORDER BY MAX(r.created_at) DESC, m.run_id DESC LIMIT 1`,
		)
		.first<{ run_id: string; run_date: string; psi: number | null; ks: number | null; flagged: number | null }>();
	return row ? { ...row, flagged: row.flagged === 1 } : null;
}
