import type { ModelSpec } from "../model/fair-value";

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
};

type ModelVersionRow = Omit<ModelVersion, "spec"> & { params: string; estimator: string };

const fromRow = ({ params, estimator: _estimator, ...row }: ModelVersionRow): ModelVersion => ({
	...row,
	spec: JSON.parse(params) as ModelSpec,
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

/**
 * Points `alias` at a ready version in one statement (a single D1 write is atomic), keeping the
 * version it replaced in `previous`. Returns false when the version is missing or not ready.
 */
export async function promote(db: D1Database, version: string, now: string, alias = "champion"): Promise<boolean> {
	const result = await db
		.prepare(
			`INSERT INTO model_aliases (alias, version, previous, updated_at)
			 SELECT ?1, version, NULL, ?3 FROM model_versions WHERE version = ?2 AND status = 'ready'
			 ON CONFLICT (alias) DO UPDATE SET
			   previous = CASE WHEN model_aliases.version = excluded.version THEN model_aliases.previous ELSE model_aliases.version END,
			   version = excluded.version,
			   updated_at = excluded.updated_at`,
		)
		.bind(alias, version, now)
		.run();
	return result.meta.changes > 0;
}
