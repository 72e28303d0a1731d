/**
 * The validation gate: which candidate serves after tonight. Candidates are chosen on the
 * selection window and gated on the later validation window, as the learned model's policy is:
 * the best baseline is the rule with the highest selection pooled edge among those meeting the
 * limits there. The challenger is the learned model when it passes the limits on validation and
 * beats that baseline's validation pooled edge, else the baseline. It is promoted only when, on
 * validation, each side has at least `minDecided` decided signals with an edge of at least 0,
 * its signal rate meets the floor, and its pooled edge beats the champion's (where the champion
 * can be scored on days it was not fitted on). A champion whose own validation shows a side
 * pointing the wrong way is retired: the challenger replaces it if it passes, else always-HOLD
 * does. Same-day MAPE is reported, never gated on. Pure.
 */
import type { CandidateFigures, EvaluationResult } from "./evaluation";
import { meetsLimits } from "./policy";
import type { DirectionMetrics } from "./scoring";

/** One check of the gate. */
export type GateCheck = { name: string; passed: boolean; detail: string };

/** The gate's verdict. */
export type GateVerdict = {
	/** The challenger's id (`learned` or a rule id), or null when no candidate could be scored. */
	challenger: string | null;
	passed: boolean;
	checks: GateCheck[];
	/** The best baseline chosen on selection (null: none met the limits there). */
	best_baseline: string | null;
	/** The champion's validation shows a side pointing the wrong way: it must stop serving. */
	retire_champion: boolean;
};

/** Limits the gate applies. */
export type GateLimits = { signalRateFloor: number; minDecided: number; force: boolean };

const fmt = (v: number | null | undefined) =>
	v === null || v === undefined ? "n/a" : (Math.round(v * 1000) / 1000).toFixed(3);

/** The rule with the highest selection pooled edge among those meeting the limits on selection. */
export function bestBaseline(rules: readonly CandidateFigures[], limits: GateLimits): CandidateFigures | null {
	let top: CandidateFigures | null = null;
	for (const c of rules) {
		if (c.id === "hold" || !meetsLimits(c.selection, limits)) continue;
		if (!top || (c.selection.pooled_edge as number) > (top.selection.pooled_edge as number)) top = c;
	}
	return top;
}

/** Whether figures show a side pointing the wrong way, over enough decided signals to say so. */
export function pointsWrongWay(m: DirectionMetrics, minDecided: number): boolean {
	return (["buy", "sell"] as const).some((s) => m[s].decided >= minDecided && (m[s].edge ?? 0) < 0);
}

/** Decides on an evaluation; `force` waives the comparison with the champion only. */
export function gate(evaluation: EvaluationResult, limits: GateLimits): GateVerdict {
	const learned = evaluation.candidates.find((c) => c.kind === "learned") ?? null;
	const baseline = bestBaseline(
		evaluation.candidates.filter((c) => c.kind === "rule"),
		limits,
	);
	const learnedPasses = learned !== null && meetsLimits(learned.validation, limits);
	const baselinePasses = baseline !== null && meetsLimits(baseline.validation, limits);
	const baselineEdge = baselinePasses ? (baseline.validation.pooled_edge as number) : 0;
	const challenger =
		learnedPasses && (learned.validation.pooled_edge as number) > baselineEdge
			? learned
			: baselinePasses
				? baseline
				: (learned ?? baseline);
	const champion = evaluation.champion;
	// One side pointing the wrong way over enough decided signals is enough to retire it.
	const retire = champion !== null && pointsWrongWay(champion.validation, limits.minDecided);
	if (!challenger)
		return {
			challenger: null,
			passed: false,
			best_baseline: null,
			retire_champion: retire,
			checks: [
				{
					name: "candidate",
					passed: false,
					detail: "neither the learned model nor any baseline met the limits on the selection window",
				},
			],
		};
	const v = challenger.validation;
	const checks: GateCheck[] = [
		sideCheck("buy", v, limits.minDecided),
		sideCheck("sell", v, limits.minDecided),
		{
			name: "signal_rate",
			passed: (v.signal_rate ?? 0) >= limits.signalRateFloor,
			detail: `signal rate ${fmt(v.signal_rate)} against the floor ${fmt(limits.signalRateFloor)}`,
		},
	];
	if (challenger.kind === "learned")
		checks.push({
			name: "vs_baseline",
			passed: (v.pooled_edge ?? Number.NEGATIVE_INFINITY) > baselineEdge,
			detail: `pooled edge ${fmt(v.pooled_edge)} against the best baseline's ${fmt(baselineEdge)}${baselinePasses ? ` (${baseline?.id})` : " (always HOLD)"}`,
		});
	if (champion) checks.push(versusChampion(challenger, champion, retire, limits));
	return {
		challenger: challenger.id,
		passed: checks.every((c) => c.passed),
		checks,
		best_baseline: baseline?.id ?? null,
		retire_champion: retire,
	};
}

function versusChampion(
	challenger: CandidateFigures,
	champion: NonNullable<EvaluationResult["champion"]>,
	retire: boolean,
	limits: GateLimits,
): GateCheck {
	const force = limits.force;
	// The same learner refitted on everything the champion saw and more: the newer fit replaces it.
	// Measured (MODEL.md): holding a learned champion to a head-to-head on the days after its fit
	// kept a months-old model serving and cut the served pooled edge of the sample backtest.
	if (challenger.kind === "learned" && champion.kind === "learned" && champion.same_procedure)
		return {
			name: "vs_champion",
			passed: true,
			detail: `the champion ${champion.version} is the same learner fitted on fewer days: the newer fit replaces it (its pooled edge on the days from ${champion.days_from}: ${fmt(champion.validation.pooled_edge)})`,
		};
	const v = challenger.versus_champion ?? challenger.validation;
	const enough = (m: DirectionMetrics) => m.buy.decided >= limits.minDecided && m.sell.decided >= limits.minDecided;
	if (!champion.comparable || !enough(v))
		return {
			name: "vs_champion",
			passed: true,
			detail: `too few decided signals on the days from ${champion.days_from}, which the champion ${champion.version} was not fitted on, to compare the two`,
		};
	if (retire)
		return {
			name: "vs_champion",
			passed: true,
			detail: `the champion ${champion.version} points the wrong way on validation (BUY edge ${fmt(champion.validation.buy.edge)}, SELL edge ${fmt(champion.validation.sell.edge)}): it is retired`,
		};
	const beats =
		(v.pooled_edge ?? Number.NEGATIVE_INFINITY) > (champion.validation.pooled_edge ?? Number.NEGATIVE_INFINITY);
	return {
		name: "vs_champion",
		passed: beats || force,
		detail: `pooled edge ${fmt(v.pooled_edge)} against the champion ${champion.version}'s ${fmt(champion.validation.pooled_edge)} on the same days (from ${champion.days_from})${!beats && force ? " (worse, but forced)" : ""}`,
	};
}

function sideCheck(name: "buy" | "sell", v: DirectionMetrics, minDecided: number): GateCheck {
	const s = v[name];
	return {
		name: `${name}_edge`,
		passed: s.decided >= minDecided && (s.edge ?? -1) >= 0,
		detail: `${name.toUpperCase()} edge ${fmt(s.edge)} over ${s.decided} decided signals (needs at least 0 over ${minDecided})`,
	};
}
