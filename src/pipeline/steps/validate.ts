/** Steps "validate" and "reject run": the validation gate, and ending a run that fails it. */
import type { Config } from "../../config";
import { runBatched } from "../../db/batch";
import { putMetrics } from "../../db/run-records";
import { endRun } from "../../db/runs";
import { type GateCheck, gate } from "../../model/metrics";
import { getJson, type ObjectRef } from "../storage";
import type { Evaluation } from "./evaluate";

export type GateOutput = {
	passed: boolean;
	checks: Pick<GateCheck, "name" | "passed" | "detail">[];
	reason: string | null;
};

/**
 * Gates the chosen candidate on the validation window: GATE_MAX_MAPE, GATE_MIN_COVERAGE, and no
 * worse than the champion evaluated on the same window (unless forced). No chosen candidate (none
 * met the signal-rate floor) fails the gate.
 */
export async function validateCandidate(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	config: Config,
	runId: string,
	input: { evaluation: ObjectRef; championId: string | null; force: boolean },
): Promise<GateOutput> {
	const evaluation = await getJson<Evaluation>(env.ARCHIVE, input.evaluation.key);
	const best = evaluation.candidates.find((c) => c.id === evaluation.best);
	const champion = evaluation.candidates.find((c) => c.id === input.championId) ?? null;
	let result: { passed: boolean; checks: GateCheck[] };
	if (!best) {
		result = {
			passed: false,
			checks: [
				{
					name: "eligible",
					passed: false,
					value: null,
					limit: config.SIGNAL_RATE_FLOOR,
					detail: `no candidate reached the signal-rate floor of ${config.SIGNAL_RATE_FLOOR} with a labelled alert on the selection window`,
				},
			],
		};
	} else {
		result = gate(best.validation, champion?.validation ?? null, {
			maxMape: config.GATE_MAX_MAPE,
			minCoverage: config.GATE_MIN_COVERAGE,
			force: input.force,
		});
	}
	await runBatched(
		env.DB,
		putMetrics(env.DB, runId, [
			{ subject: "gate", window_name: "validation", name: "passed", value: result.passed ? 1 : 0 },
			...result.checks.map((c) => ({
				subject: "gate",
				window_name: "validation",
				name: c.name,
				value: c.passed ? 1 : 0,
			})),
		]),
	);
	const failed = result.checks.filter((c) => !c.passed);
	return {
		passed: result.passed,
		checks: result.checks.map(({ name, passed, detail }) => ({ name, passed, detail })),
		reason: failed.length > 0 ? `validation gate: ${failed.map((c) => c.detail).join("; ")}` : null,
	};
}

/** Ends a run that failed the gate as `rejected`; the champion stays. */
export async function rejectRun(db: D1Database, runId: string, reason: string): Promise<{ status: "rejected" }> {
	await endRun(db, runId, "rejected", new Date().toISOString(), reason).run();
	return { status: "rejected" };
}
