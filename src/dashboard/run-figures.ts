import type { RunDetail } from "./types";

/** The headline figures of a run, picked from its metrics and params; each may be missing. */
export type RunFigures = {
	validation: { mape?: number; coverage?: number; score?: number; signalRate?: number; points?: number };
	naiveMape?: number;
	gatePassed?: boolean;
	drift: {
		psi?: number;
		ks?: number;
		flagged?: boolean;
		psiThreshold?: number;
		ksThreshold?: number;
		recentN?: number;
		referenceN?: number;
	};
	collection: { rows?: number; cards?: number; failed?: number };
	steps: { total: number; complete: number; failed: number; retried: number };
};

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Reads a run's figures: chosen model on the validation window, naive baseline, gate, drift, collection, steps. */
export function runFigures(run: RunDetail): RunFigures {
	const metrics = Array.isArray(run.metrics) ? run.metrics : [];
	const metric = (subject: string, window: string, name: string) =>
		num(metrics.find((m) => m.subject === subject && m.window_name === window && m.name === name)?.value);
	const flag = (v: number | undefined) => (v === undefined ? undefined : v === 1);
	const params = run.params && typeof run.params === "object" ? run.params : {};
	const steps = Array.isArray(run.steps) ? run.steps : [];
	return {
		validation: {
			mape: metric("chosen", "validation", "mape"),
			coverage: metric("chosen", "validation", "coverage"),
			score: metric("chosen", "validation", "score"),
			signalRate: metric("chosen", "validation", "signal_rate"),
			points: metric("chosen", "validation", "points"),
		},
		naiveMape: metric("naive", "validation", "mape"),
		gatePassed: flag(metric("gate", "validation", "passed")),
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
		},
		steps: {
			total: steps.length,
			complete: steps.filter((s) => s.status === "complete").length,
			failed: steps.filter((s) => s.status === "failed").length,
			retried: steps.filter((s) => (s.attempts ?? 1) > 1).length,
		},
	};
}
