import type { RunDetail, RunMetric } from "./types";

/** One side's figures on a window: signals, how many were decided and right, precision, base rate, edge. */
export type SideFigures = {
	signals?: number;
	decided?: number;
	right?: number;
	precision?: number;
	baseRate?: number;
	edge?: number;
};

/** One model's figures on the validation window: the learned model, the champion or a baseline rule. */
export type FigureRow = {
	/** The metrics' subject: `learned`, `champion` or `baseline:<rule id>`. */
	subject: string;
	kind: "learned" | "champion" | "baseline";
	/** The learned model, the champion's version, or the rule id. */
	name: string;
	/** The run's challenger (`candidate`). */
	challenger: boolean;
	/** The model the run published with (`serving_version`). */
	serving: boolean;
	pooledEdge?: number;
	signalRate?: number;
	brierSkill?: number;
	mape?: number;
	buy: SideFigures;
	sell: SideFigures;
};

/** One check of the gate, as the run recorded it (1 passed, 0 failed). */
export type GateCheck = { name: string; passed: boolean };

/** The headline figures of a run, picked from its metrics and params; each may be missing. */
export type RunFigures = {
	gate: { passed?: boolean; checks: GateCheck[]; minDecided?: number; signalRateFloor?: number };
	/** The validation window: the learned model first, then the champion and the baselines by pooled edge. */
	table: FigureRow[];
	drift: {
		psi?: number;
		ks?: number;
		flagged?: boolean;
		psiThreshold?: number;
		ksThreshold?: number;
		recentN?: number;
		referenceN?: number;
	};
	collection: { rows?: number; cards?: number; failed?: number; skipped?: number; failureShare?: number };
	steps: { total: number; complete: number; failed: number; retried: number };
};

/** The gate's checks in the order the gate makes them; others follow in the order recorded. */
const CHECK_ORDER = ["history", "candidate", "buy_edge", "sell_edge", "signal_rate", "vs_baseline", "vs_champion"];

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** The version a rule id publishes as: `rule-<id>` with `/` as `_` (`rule-momentum_7_0.1`). */
export const ruleVersion = (ruleId: string) => `rule-${ruleId.replaceAll("/", "_")}`;

/** Sorts the figure rows: the learned model first, then by pooled edge (highest first, missing last), then by name. */
export function orderRows(rows: readonly FigureRow[]): FigureRow[] {
	const edge = (r: FigureRow) => r.pooledEdge ?? Number.NEGATIVE_INFINITY;
	return [...rows].sort(
		(a, b) =>
			Number(b.kind === "learned") - Number(a.kind === "learned") || edge(b) - edge(a) || a.name.localeCompare(b.name),
	);
}

/** Reads the validation-window figures of every subject the run scored. */
function figureRows(run: RunDetail, metrics: readonly RunMetric[]): FigureRow[] {
	const bySubject = new Map<string, Map<string, number | undefined>>();
	for (const m of metrics) {
		if (m.window_name !== "validation") continue;
		const kind = m.subject === "learned" || m.subject === "champion" || m.subject.startsWith("baseline:");
		if (!kind) continue;
		const figures = bySubject.get(m.subject) ?? new Map<string, number | undefined>();
		figures.set(m.name, num(m.value));
		bySubject.set(m.subject, figures);
	}
	return [...bySubject].map(([subject, f]) => {
		const kind = subject === "learned" ? "learned" : subject === "champion" ? "champion" : "baseline";
		const rule = subject.slice("baseline:".length);
		const name = kind === "learned" ? "learned" : kind === "champion" ? (run.champion_before ?? "champion") : rule;
		const version =
			kind === "learned" ? run.model_version : kind === "champion" ? run.champion_before : ruleVersion(rule);
		const side = (s: "buy" | "sell"): SideFigures => ({
			signals: f.get(`${s}_signals`),
			decided: f.get(`${s}_decided`),
			right: f.get(`${s}_right`),
			precision: f.get(`${s}_precision`),
			baseRate: f.get(`${s}_base_rate`),
			edge: f.get(`${s}_edge`),
		});
		return {
			subject,
			kind,
			name,
			challenger: kind !== "champion" && !!run.candidate && run.candidate === (kind === "learned" ? "learned" : rule),
			serving: !!run.serving_version && version === run.serving_version,
			pooledEdge: f.get("pooled_edge"),
			signalRate: f.get("signal_rate"),
			brierSkill: f.get("brier_skill"),
			mape: f.get("mape"),
			buy: side("buy"),
			sell: side("sell"),
		};
	});
}

/** Reads a run's figures: the gate, every model on the validation window, drift, collection, steps. */
export function runFigures(run: RunDetail): RunFigures {
	const metrics = Array.isArray(run.metrics) ? run.metrics.filter((m) => typeof m?.subject === "string") : [];
	const metric = (subject: string, window: string, name: string) =>
		num(metrics.find((m) => m.subject === subject && m.window_name === window && m.name === name)?.value);
	const flag = (v: number | undefined) => (v === undefined ? undefined : v === 1);
	const params = run.params && typeof run.params === "object" ? run.params : {};
	const steps = Array.isArray(run.steps) ? run.steps : [];
	const rank = (name: string) => (CHECK_ORDER.includes(name) ? CHECK_ORDER.indexOf(name) : CHECK_ORDER.length);
	const checks = metrics
		.filter((m) => m.subject === "gate" && m.window_name === "validation" && m.name !== "passed")
		.filter((m) => num(m.value) !== undefined)
		.map((m) => ({ name: m.name, passed: m.value === 1 }))
		.sort((a, b) => rank(a.name) - rank(b.name));
	return {
		gate: {
			passed: flag(metric("gate", "validation", "passed")),
			checks,
			minDecided: num(params.gate_min_decided),
			signalRateFloor: num(params.signal_rate_floor),
		},
		table: orderRows(figureRows(run, metrics)),
		drift: {
			psi: metric("drift", "run", "psi"),
			ks: metric("drift", "run", "ks"),
			flagged: flag(metric("drift", "run", "flagged")),
			psiThreshold: num(params.drift_psi_threshold),
			ksThreshold: num(params.drift_ks_threshold),
			recentN: metric("drift", "run", "recent_n"),
			referenceN: metric("drift", "run", "reference_n"),
		},
		collection: {
			rows: metric("collect", "run", "rows"),
			cards: metric("collect", "run", "cards"),
			failed: metric("collect", "run", "failed"),
			skipped: metric("collect", "run", "skipped"),
			failureShare: metric("collect", "run", "failure_share"),
		},
		steps: {
			total: steps.length,
			complete: steps.filter((s) => s.status === "complete").length,
			failed: steps.filter((s) => s.status === "failed").length,
			retried: steps.filter((s) => (s.attempts ?? 1) > 1).length,
		},
	};
}
