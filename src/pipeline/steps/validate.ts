/**
 * Step "validate": records every candidate's figures and the gate's checks, registers tonight's
 * learned model as a version (promotable by hand even when the gate keeps the champion), and
 * decides which model publishes tonight: the challenger when it passed, else the champion's
 * model, else always-HOLD (a new deployment, or a champion retired for pointing the wrong way).
 * A run older than what serves compares with no champion (the serving one knows later prices)
 * and promotes nothing.
 */
import { runBatched } from "../../db/batch";
import { type NewVersion, registerVersion } from "../../db/models";
import { type MetricRow, putMetrics, putParams } from "../../db/run-records";
import { setRunModel } from "../../db/runs";
import { sha256Hex } from "../../lib/hash";
import type { CandidateFigures } from "../../model/evaluation";
import type { Forecaster } from "../../model/forecaster";
import { baselineRules, ruleId } from "../../model/rules";
import type { DirectionMetrics } from "../../model/scoring";
import { artifactKeys } from "../artifact-keys";
import { HOLD, type ModelRef, ruleVersion } from "../model-ref";
import { getJson } from "../storage";
import type { EvaluateOutput, EvaluationReport } from "./evaluate";
import type { StartOutput } from "./start";

/** What validate needs. */
export type ValidateInput = {
	/** Null when the data was too short for a validation window: nothing can be promoted. */
	evaluate: EvaluateOutput | null;
	start: StartOutput;
	/** The run's data is older than what serves: no champion, no promotion. */
	older: boolean;
	/** Publish with the champion as it is (after a promotion by hand). */
	republish?: boolean;
	source: string;
	data: { from: string; as_of: string };
};

/** The decision: which model publishes, and whether the champion alias moves to it. */
export type ValidateOutput = {
	challenger: string | null;
	passed: boolean;
	/** The learned model registered tonight (null: it could not be given a policy). */
	learned_version: string | null;
	serving: ModelRef;
	promote: boolean;
	reason: string | null;
};

/** The version name of a learned model: `v<as-of date>-<10 hex of its SHA-256>`. */
export const learnedVersion = async (asOf: string, body: string) =>
	`v${asOf.replaceAll("-", "")}-${(await sha256Hex(body)).slice(0, 10)}`;

const FIGURES = ["pooled_edge", "signal_rate", "brier", "brier_skill", "mape", "days", "decided"] as const;

/** A candidate's figures as metric rows: headline figures plus each side's counts and edge. */
export function figureRows(subject: string, window_name: string, m: DirectionMetrics): MetricRow[] {
	const rows: MetricRow[] = FIGURES.map((name) => ({ subject, window_name, name, value: m[name] }));
	for (const side of ["buy", "sell"] as const)
		for (const name of ["signals", "decided", "right", "precision", "base_rate", "edge"] as const)
			rows.push({ subject, window_name, name: `${side}_${name}`, value: m[side][name] });
	return rows;
}

/** Registers, records, decides. */
export async function validateRun(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	runId: string,
	input: ValidateInput,
): Promise<ValidateOutput> {
	const report: Pick<EvaluationReport, "candidates" | "champion" | "verdict" | "drift"> = input.evaluate
		? await getJson<EvaluationReport>(env.ARCHIVE, input.evaluate.evaluation.key)
		: {
				candidates: [],
				champion: null,
				drift: { psi: null, ks: null, flagged: false, reference_n: 0, recent_n: 0 },
				verdict: {
					challenger: null,
					passed: false,
					best_baseline: null,
					retire_champion: false,
					checks: [
						input.republish
							? {
									name: "republish",
									passed: false,
									detail: "a republish fits nothing: the champion publishes the night",
								}
							: {
									name: "history",
									passed: false,
									detail: "too little history for a purged selection and validation window",
								},
					],
				},
			};
	const verdict = report.verdict;
	const now = new Date().toISOString();
	const statements: D1PreparedStatement[] = [];
	const metrics: MetricRow[] = [];
	for (const c of report.candidates) {
		const subject = c.kind === "learned" ? "learned" : `baseline:${c.id}`;
		metrics.push(...figureRows(subject, "selection", c.selection), ...figureRows(subject, "validation", c.validation));
	}
	if (report.champion) metrics.push(...figureRows("champion", "validation", report.champion.validation));
	metrics.push({ subject: "gate", window_name: "validation", name: "passed", value: verdict.passed ? 1 : 0 });
	for (const check of verdict.checks)
		metrics.push({ subject: "gate", window_name: "validation", name: check.name, value: check.passed ? 1 : 0 });
	const { flagged, ...drift } = report.drift;
	metrics.push(
		...Object.entries({ ...drift, flagged: flagged ? 1 : 0 }).map(([name, value]) => ({
			subject: "drift",
			window_name: "run",
			name,
			value: typeof value === "number" ? value : null,
		})),
	);

	// Tonight's learned model becomes a version whether or not it serves.
	let learned: ModelRef | null = null;
	if (input.evaluate?.learned) {
		const body = JSON.stringify(await getJson<Forecaster>(env.ARCHIVE, input.evaluate.learned.key));
		const model = JSON.parse(body) as Forecaster;
		const version = await learnedVersion(input.data.as_of, body);
		const key = artifactKeys.model(version);
		if (!(await env.ARCHIVE.head(key)))
			await env.ARCHIVE.put(key, body, {
				httpMetadata: { contentType: "application/json" },
				customMetadata: { sha256: await sha256Hex(body) },
			});
		const figures = report.candidates.find((c) => c.kind === "learned");
		statements.push(
			registerVersion(env.DB, {
				version,
				kind: "learned",
				estimator: "learned",
				params: {
					kind: "learned",
					features: model.features.length,
					policy: model.policy,
					base_up: model.base_up,
					calibration: model.calibration,
					horizon_days: model.horizon_days,
					move: model.move_size,
					min_price: model.min_price,
				},
				artifact_key: key,
				trained_through: model.trained_through,
				row_count: model.rows,
				data_from: input.data.from,
				data_as_of: input.data.as_of,
				source: input.source,
				created_at: now,
				run_id: runId,
				figures: figures ? summary(figures) : null,
			}),
		);
		learned = { version, kind: "learned", artifact_key: key };
	}
	const challengerRef = (): ModelRef | null => {
		if (!verdict.challenger) return null;
		if (verdict.challenger === "learned") return learned;
		const rule = baselineRules().find((r) => ruleId(r) === verdict.challenger);
		return rule ? { version: ruleVersion(rule), kind: "rule", rule } : null;
	};
	const challenger = verdict.passed ? challengerRef() : null;
	const champion = input.older ? null : input.start.champion;
	let serving: ModelRef;
	let promote = false;
	let reason: string | null = null;
	if (challenger) {
		serving = challenger;
		promote = !input.older && champion?.version !== challenger.version;
	} else {
		const failed = verdict.checks.filter((c) => !c.passed).map((c) => c.detail);
		reason = `the gate kept ${champion && !verdict.retire_champion ? `the champion ${champion.version}` : "always-HOLD"}: ${failed.join("; ")}`;
		if (champion && !verdict.retire_champion) serving = champion;
		else {
			serving = HOLD;
			promote = !input.older && champion?.version !== HOLD.version;
		}
	}
	if (input.republish && champion) {
		serving = champion;
		promote = false;
		reason = `republished the night's data with the champion ${champion.version}`;
	}
	if (serving.kind === "rule")
		statements.push(
			registerRule(
				env.DB,
				serving,
				input,
				runId,
				now,
				report.candidates.find((c) => c.id === ruleId(serving.rule)),
			),
		);
	statements.push(setRunModel(env.DB, runId, verdict.challenger, learned?.version ?? null));
	// The gate's checks in words, and the baseline it chose on selection, for the run page.
	const params = putParams(env.DB, runId, { gate_checks: verdict.checks, best_baseline: verdict.best_baseline });
	await runBatched(env.DB, [...putMetrics(env.DB, runId, metrics), ...params, ...statements]);
	return {
		challenger: verdict.challenger,
		passed: verdict.passed || (input.republish === true && champion !== null),
		learned_version: learned?.version ?? null,
		serving,
		promote,
		reason,
	};
}

/** A candidate's validation headline, stored with its version. */
function summary(c: CandidateFigures) {
	const v = c.validation;
	return {
		pooled_edge: v.pooled_edge,
		buy_edge: v.buy.edge,
		sell_edge: v.sell.edge,
		signal_rate: v.signal_rate,
		brier_skill: v.brier_skill,
		mape: v.mape,
	};
}

function registerRule(
	db: D1Database,
	ref: Extract<ModelRef, { kind: "rule" }>,
	input: ValidateInput,
	runId: string,
	now: string,
	figures: CandidateFigures | undefined,
): D1PreparedStatement {
	const version: NewVersion = {
		version: ref.version,
		kind: "rule",
		estimator: ref.rule.rule,
		params: ref.rule,
		artifact_key: null,
		trained_through: null,
		row_count: 0,
		data_from: input.data.from,
		data_as_of: input.data.as_of,
		source: input.source,
		created_at: now,
		run_id: runId,
		figures: figures ? summary(figures) : null,
	};
	return registerVersion(db, version);
}
