import { ModelSpec } from "../model/fair-value";

/** A row of `model_versions`, with its params parsed. */
export type ModelVersion = {
	version: string;
	status: "building" | "ready";
	spec: ModelSpec;
	artifact_prefix: string;
	manifest_sha256: string;
	card_count: number;
	row_count: number;
	data_from: string;
	data_as_of: string;
	source: string;
	created_at: string;
	/** The pipeline run that built it (null for versions built before the pipeline). */
	run_id?: string | null;
};

type ModelVersionRow = Omit<ModelVersion, "spec"> & { params: string; estimator: string };

const fromRow = ({ params, estimator: _estimator, ...row }: ModelVersionRow): ModelVersion => ({
	...row,
	spec: ModelSpec.parse(JSON.parse(params)),
});

/** The version the `champion` alias names, or null while none is promoted. */
export async function getChampion(db: D1Database): Promise<ModelVersion | null> {
	const row = await db
		.prepare(
			`SELECT v.* FROM model_aliases a JOIN model_versions v ON v.version = a.version
			 WHERE a.alias = 'champion'`,
		)
		.first<ModelVersionRow>();
	return row ? fromRow(row) : null;
}

/** One version by name, or null. */
export async function getModelVersion(db: D1Database, version: string): Promise<ModelVersion | null> {
	const row = await db.prepare("SELECT * FROM model_versions WHERE version = ?").bind(version).first<ModelVersionRow>();
	return row ? fromRow(row) : null;
}

/** Statement inserting a version row in `building` state (no-op when it already exists). */
export function insertBuildingVersion(db: D1Database, v: Omit<ModelVersion, "status">): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO model_versions (version, status, estimator, params, artifact_prefix, manifest_sha256,
			   card_count, row_count, data_from, data_as_of, source, created_at)
			 VALUES (?, 'building', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (version) DO NOTHING`,
		)
		.bind(
			v.version,
			v.spec.estimator,
			JSON.stringify(v.spec),
			v.artifact_prefix,
			v.manifest_sha256,
			v.card_count,
			v.row_count,
			v.data_from,
			v.data_as_of,
			v.source,
			v.created_at,
		);
}

/** Marks a fully written version as ready to serve. */
export function markReady(db: D1Database, version: string): D1PreparedStatement {
	return db.prepare("UPDATE model_versions SET status = 'ready' WHERE version = ?").bind(version);
}

// Moving an alias keeps the version it named in `previous` (unchanged when it already names it).
const MOVE_ALIAS = `ON CONFLICT (alias) DO UPDATE SET
	previous = CASE WHEN model_aliases.version = excluded.version THEN model_aliases.previous ELSE model_aliases.version END,
	version = excluded.version,
	updated_at = excluded.updated_at`;

/**
 * Statement pointing `alias` at a ready version (a single D1 write is atomic), keeping the
 * version it replaced in `previous`. Changes nothing when the version is missing or not ready.
 */
export function promoteStatement(
	db: D1Database,
	version: string,
	now: string,
	alias = "champion",
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO model_aliases (alias, version, previous, updated_at)
			 SELECT ?1, version, NULL, ?3 FROM model_versions WHERE version = ?2 AND status = 'ready'
			 ${MOVE_ALIAS}`,
		)
		.bind(alias, version, now);
}

/** Points `alias` at a ready version; false when the version is missing or not ready. */
export async function promote(db: D1Database, version: string, now: string, alias = "champion"): Promise<boolean> {
	const result = await promoteStatement(db, version, now, alias).run();
	return result.meta.changes > 0;
}

/** Statement recording which run built a version (kept when a later run rebuilds the same version). */
export function setVersionRun(db: D1Database, version: string, runId: string): D1PreparedStatement {
	return db.prepare("UPDATE model_versions SET run_id = COALESCE(run_id, ?2) WHERE version = ?1").bind(version, runId);
}

/**
 * Statement moving `alias` to a ready version only if it still names `expected` (null: only if
 * the alias does not exist yet). A run compares its candidate with the champion it saw at its
 * start; if an operator promoted something else meanwhile, the move does not happen.
 */
export function promoteIfUnchanged(
	db: D1Database,
	version: string,
	expected: string | null,
	now: string,
	alias = "champion",
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO model_aliases (alias, version, previous, updated_at)
			 SELECT ?1, version, NULL, ?3 FROM model_versions WHERE version = ?2 AND status = 'ready'
			   AND (?4 IS NULL OR EXISTS (SELECT 1 FROM model_aliases WHERE alias = ?1))
			 ${MOVE_ALIAS}
			 WHERE model_aliases.version IS ?4`,
		)
		.bind(alias, version, now, expected);
}

/** Statement recording a move of an alias (who moved it, from what). */
export function recordAliasEvent(
	db: D1Database,
	e: { alias?: string; version: string; previous: string | null; actor: string; at: string },
): D1PreparedStatement {
	return db
		.prepare("INSERT INTO alias_events (alias, version, previous, actor, at) VALUES (?, ?, ?, ?, ?)")
		.bind(e.alias ?? "champion", e.version, e.previous, e.actor, e.at);
}

/** Every alias and the version it names. */
export async function listAliases(
	db: D1Database,
): Promise<{ alias: string; version: string; previous: string | null; updated_at: string }[]> {
	const { results } = await db
		.prepare("SELECT alias, version, previous, updated_at FROM model_aliases ORDER BY alias")
		.all<{ alias: string; version: string; previous: string | null; updated_at: string }>();
	return results;
}

/** Versions newest first, strictly before the `(created_at, version)` cursor. */
export async function listModelVersions(
	db: D1Database,
	options: { limit: number; before?: { created_at: string; version: string } },
): Promise<ModelVersion[]> {
	const { results } = await db
		.prepare(
			`SELECT * FROM model_versions
			 WHERE ?1 IS NULL OR created_at < ?1 OR (created_at = ?1 AND version < ?2)
			 ORDER BY created_at DESC, version DESC LIMIT ?3`,
		)
		.bind(options.before?.created_at ?? null, options.before?.version ?? "", options.limit)
		.all<ModelVersionRow>();
	return results.map(fromRow);
}
