/**
 * D1 queries on model versions and their aliases. A version is a learned model (its artifact in
 * R2 under `models/<version>/model.json`) or a rule (its spec is the whole model). The
 * `champion` alias names the version the nightly run keeps serving unless a challenger wins.
 */
import { RuleSpec } from "../model/rules";

/** What a version is: a learned model's summary, or a rule's spec. */
export type VersionSpec = { kind: "learned"; summary: Record<string, unknown> } | { kind: "rule"; rule: RuleSpec };

/** A row of `model_versions`, with its spec parsed. */
export type ModelVersion = {
	version: string;
	status: "building" | "ready";
	kind: "learned" | "rule";
	spec: VersionSpec;
	artifact_key: string | null;
	trained_through: string | null;
	row_count: number;
	data_from: string;
	data_as_of: string;
	source: string;
	created_at: string;
	/** The pipeline run that built it. */
	run_id: string | null;
	/** The building run's validation figures (JSON object), if any. */
	figures: Record<string, unknown> | null;
};

/** The same row as stored: kind and spec unparsed, figures as JSON text. */
type ModelVersionRow = Omit<ModelVersion, "kind" | "spec" | "figures"> & {
	kind: string;
	estimator: string;
	params: string;
	figures: string | null;
};

/**
 * The rule a stored spec names. Versions built before learned models (`{estimator, window |
 * halflife, buy_threshold, sell_threshold}`) read as the fair-value rule they were.
 */
function ruleOf(params: unknown): RuleSpec | null {
	const parsed = RuleSpec.safeParse(params);
	if (parsed.success) return parsed.data;
	const legacy = params as {
		estimator?: string;
		window?: number;
		halflife?: number;
		buy_threshold?: number;
		sell_threshold?: number;
	};
	if (!legacy?.estimator || legacy.buy_threshold === undefined || legacy.sell_threshold === undefined) return null;
	const fair =
		legacy.estimator === "ewm"
			? { estimator: "ewm", halflife: legacy.halflife }
			: { estimator: legacy.estimator, window: legacy.window };
	const converted = RuleSpec.safeParse({
		rule: "fair_value",
		fair,
		buy_threshold: legacy.buy_threshold,
		sell_threshold: legacy.sell_threshold,
	});
	return converted.success ? converted.data : null;
}

const fromRow = (row: ModelVersionRow): ModelVersion => {
	const params = JSON.parse(row.params) as unknown;
	const rule = row.kind === "learned" ? null : ruleOf(params);
	return {
		version: row.version,
		status: row.status,
		kind: row.kind === "learned" ? "learned" : "rule",
		spec:
			row.kind === "learned"
				? { kind: "learned", summary: params as Record<string, unknown> }
				: { kind: "rule", rule: rule ?? { rule: "hold" } },
		artifact_key: row.artifact_key,
		trained_through: row.trained_through,
		row_count: row.row_count,
		data_from: row.data_from,
		data_as_of: row.data_as_of,
		source: row.source,
		created_at: row.created_at,
		run_id: row.run_id,
		figures: row.figures ? (JSON.parse(row.figures) as Record<string, unknown>) : null,
	};
};

const SELECT = `SELECT version, status, kind, estimator, params, artifact_key, trained_through, row_count,
	data_from, data_as_of, source, created_at, run_id, figures FROM model_versions`;

/** The version the `champion` alias names, or null while none is promoted. */
export async function getChampion(db: D1Database): Promise<ModelVersion | null> {
	const row = await db
		.prepare(`${SELECT} WHERE version = (SELECT version FROM model_aliases WHERE alias = 'champion')`)
		.first<ModelVersionRow>();
	return row ? fromRow(row) : null;
}

/** One version by name, or null. */
export async function getModelVersion(db: D1Database, version: string): Promise<ModelVersion | null> {
	const row = await db.prepare(`${SELECT} WHERE version = ?`).bind(version).first<ModelVersionRow>();
	return row ? fromRow(row) : null;
}

/** What registering a version records. */
export type NewVersion = Omit<ModelVersion, "status" | "spec" | "figures"> & {
	params: unknown;
	estimator: string;
	figures: unknown;
};

/**
 * Statement registering a ready version (its artifact, if any, already written). A version is
 * immutable: registering it again changes nothing.
 */
export function registerVersion(db: D1Database, v: NewVersion): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO model_versions (version, status, kind, estimator, params, artifact_prefix, manifest_sha256,
			   card_count, row_count, data_from, data_as_of, source, created_at, run_id, artifact_key, trained_through, figures)
			 VALUES (?1, 'ready', ?2, ?3, ?4, ?5, '', 0, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
			 ON CONFLICT (version) DO NOTHING`,
		)
		.bind(
			v.version,
			v.kind,
			v.estimator,
			JSON.stringify(v.params),
			v.artifact_key ?? "",
			v.row_count,
			v.data_from,
			v.data_as_of,
			v.source,
			v.created_at,
			v.run_id,
			v.artifact_key,
			v.trained_through,
			JSON.stringify(v.figures ?? null),
		);
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

/**
 * Statement moving `alias` to a ready version only if it still names `expected` (null: only if
 * the alias does not exist yet). A run compares its challenger with the champion it saw at its
 * start; if an operator promoted something else meanwhile, the move does not happen.
 */
export function promoteIfUnchanged(
	db: D1Database,
	version: string,
	expected: string | null,
	now: string,
	alias = "champion",
	whileRunning: string | null = null,
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO model_aliases (alias, version, previous, updated_at)
			 SELECT ?1, version, NULL, ?3 FROM model_versions WHERE version = ?2 AND status = 'ready'
			   AND (?4 IS NULL OR EXISTS (SELECT 1 FROM model_aliases WHERE alias = ?1))
			   AND (?5 IS NULL OR EXISTS (SELECT 1 FROM pipeline_runs WHERE id = ?5 AND status = 'running'))
			 ${MOVE_ALIAS}
			 WHERE model_aliases.version IS ?4`,
		)
		.bind(alias, version, now, expected, whileRunning);
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
			`${SELECT}
			 WHERE ?1 IS NULL OR created_at < ?1 OR (created_at = ?1 AND version < ?2)
			 ORDER BY created_at DESC, version DESC LIMIT ?3`,
		)
		.bind(options.before?.created_at ?? null, options.before?.version ?? "", options.limit)
		.all<ModelVersionRow>();
	return results.map(fromRow);
}
