import { badge, h, statusTone } from "./dom";
import { figuresTable } from "./figures-table";
import { DASH, fmtDateTime, fmtDuration, fmtNum, fmtPct, fmtText } from "./format";
import { type RunFigures, runFigures } from "./run-figures";
import type { RunDetail } from "./types";

/** One labelled figure of the details grid. */
const fact = (label: string, value: Node | string, note?: string) =>
	h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value, note ? h("span", { class: "note" }, note) : null));

const mono = (v: unknown) => h("span", { class: "mono" }, fmtText(v));

const group = (title: string, ...content: (HTMLElement | null)[]) =>
	h("section", { class: "fact-group" }, h("h3", {}, title), ...content);

const facts = (...items: HTMLElement[]) => h("dl", { class: "facts" }, ...items);

const yesNo = (v: boolean | undefined, yes: string, no: string, tones: [string, string]) =>
	v === undefined ? DASH : badge(v ? yes : no, v ? tones[0] : tones[1]);

/** What each gate check asks, in words, with its limit where the run's params give it. */
function checkWords(name: string, gate: RunFigures["gate"]): [string, string | undefined] {
	const over = gate.minDecided === undefined ? "" : ` over at least ${fmtNum(gate.minDecided)} decided`;
	const words: Record<string, [string, string | undefined]> = {
		history: ["Enough history", "a selection and a validation window"],
		candidate: ["A candidate", "meets the limits on the selection window"],
		buy_edge: ["BUY edge", `at least 0${over}`],
		sell_edge: ["SELL edge", `at least 0${over}`],
		signal_rate: [
			"Signal rate",
			gate.signalRateFloor === undefined ? undefined : `at least ${fmtPct(gate.signalRateFloor, { digits: 1 })}`,
		],
		vs_baseline: ["Beats the best baseline", "pooled edge"],
		vs_champion: ["Beats the champion", "pooled edge on the same days"],
	};
	return words[name] ?? [name.replaceAll("_", " "), undefined];
}

/** The champion before the run and after it (moved when the run promoted). */
const championMove = (run: RunDetail) =>
	run.promoted === true
		? `${fmtText(run.champion_before ?? "none")} → ${fmtText(run.serving_version)}`
		: fmtText(run.champion_before ?? "none");

/**
 * One run in full: its outcome (the challenger, the learned version, what it published with and
 * whether it promoted), the gate's checks, every model's validation figures, drift, collection
 * and steps.
 */
export function renderRunDetail(container: HTMLElement, run: RunDetail): void {
	const f = runFigures(run);
	const limit = (v: number | undefined) => (v === undefined ? undefined : `limit ${fmtNum(v, 2)}`);
	container.replaceChildren(
		h(
			"div",
			{ class: "detail-head" },
			h("h3", { class: "mono" }, run.id),
			badge(fmtText(run.status), statusTone(run.status)),
			run.reason ? h("p", { class: "reason" }, run.reason) : null,
		),
		group(
			"Outcome",
			facts(
				fact("Trigger · source", `${fmtText(run.trigger)} · ${fmtText(run.source)}`),
				fact("Run date", fmtText(run.run_date)),
				fact("Started", fmtDateTime(run.started_at ?? run.created_at), fmtDuration(run.started_at, run.ended_at)),
				fact("Challenger", mono(run.candidate)),
				fact("Learned version", mono(run.model_version), run.model_version ? "registered by the run" : undefined),
				fact(
					"Published with",
					mono(run.serving_version),
					run.published === false ? "not published: older than what serves" : run.published ? "published" : undefined,
				),
				fact("Champion", championMove(run), run.promoted === true ? "promoted" : "not promoted"),
			),
		),
		group(
			"Gate (validation window)",
			facts(
				fact("Gate", yesNo(f.gate.passed, "passed", "failed", ["ok", "bad"])),
				...f.gate.checks.map((c) => {
					const [label, note] = checkWords(c.name, f.gate);
					return fact(label, yesNo(c.passed, "pass", "fail", ["ok", "bad"]), note);
				}),
			),
		),
		group(
			"Figures on the validation window",
			f.table.length
				? figuresTable(f.table)
				: h("p", { class: "muted" }, "The run scored no model (it ended before validation)."),
			f.table.length
				? h(
						"p",
						{ class: "note" },
						"Edge: precision minus the base rate (the share of decided days whose first move went that way), in percentage points. The learned model first, then by pooled edge.",
					)
				: null,
		),
		group(
			"Drift (daily returns, recent vs reference)",
			facts(
				fact("PSI", fmtNum(f.drift.psi), limit(f.drift.psiThreshold)),
				fact("KS", fmtNum(f.drift.ks), limit(f.drift.ksThreshold)),
				fact("Drift", yesNo(f.drift.flagged, "flagged", "none", ["warn", "ok"])),
				fact("Days compared", `${fmtNum(f.drift.recentN)} / ${fmtNum(f.drift.referenceN)}`),
			),
		),
		group(
			"Collection and steps",
			facts(
				fact("Prices · cards", `${fmtNum(f.collection.rows)} · ${fmtNum(f.collection.cards)}`),
				fact(
					"Cards failed · skipped",
					`${fmtNum(f.collection.failed)} · ${fmtNum(f.collection.skipped)}`,
					f.collection.failureShare === undefined
						? undefined
						: `${fmtPct(f.collection.failureShare, { digits: 1 })} not collected`,
				),
				fact(
					"Steps",
					`${f.steps.complete} of ${f.steps.total} complete`,
					[f.steps.failed ? `${f.steps.failed} failed` : "", f.steps.retried ? `${f.steps.retried} retried` : ""]
						.filter(Boolean)
						.join(", ") || undefined,
				),
			),
		),
	);
}
