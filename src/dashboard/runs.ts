import { badge, h, statusTone } from "./dom";
import { DASH, fmtDateTime, fmtDuration, fmtNum, fmtPct, fmtText } from "./format";
import { runFigures } from "./run-figures";
import type { RunDetail, RunSummary } from "./types";

/** Fills the runs table, newest first; the run id is a button that opens the run's details. */
export function renderRuns(
	tbody: HTMLTableSectionElement,
	runs: readonly RunSummary[],
	selected: string | null,
	onSelect: (run: RunSummary) => void,
): void {
	tbody.replaceChildren(
		...runs.map((run) => {
			const isSelected = run.id === selected;
			const row = h(
				"tr",
				{ class: isSelected ? "selected" : null, "data-run-id": run.id },
				h(
					"th",
					{ scope: "row" },
					h(
						"button",
						{ type: "button", class: "row-button", "aria-pressed": isSelected ? "true" : "false" },
						h("span", { class: "mono" }, run.id),
						h("span", { class: "sub" }, [run.trigger, run.source, run.run_date].map(fmtText).join(" · ")),
					),
				),
				h("td", {}, badge(fmtText(run.status), statusTone(run.status))),
				h(
					"td",
					{ class: "opt" },
					h("span", { class: "mono" }, fmtText(run.model_version)),
					run.promoted === true ? h("span", { class: "sub" }, "promoted") : null,
				),
				h("td", { class: "num opt" }, fmtDuration(run.started_at, run.ended_at)),
			);
			row.addEventListener("click", () => onSelect(run));
			return row;
		}),
	);
}

/** One labelled figure of the details grid. */
const fact = (label: string, value: Node | string, note?: string) =>
	h("div", { class: "fact" }, h("dt", {}, label), h("dd", {}, value, note ? h("span", { class: "note" }, note) : null));

const mono = (v: unknown) => h("span", { class: "mono" }, fmtText(v));

const group = (title: string, ...facts: HTMLElement[]) =>
	h("section", { class: "fact-group" }, h("h3", {}, title), h("dl", { class: "facts" }, ...facts));

const yesNo = (v: boolean | undefined, yes: string, no: string, tones: [string, string]) =>
	v === undefined ? DASH : badge(v ? yes : no, v ? tones[0] : tones[1]);

/** One run in full: outcome, the chosen model's validation figures, drift, collection and steps. */
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
			fact("Trigger · source", `${fmtText(run.trigger)} · ${fmtText(run.source)}`),
			fact("Run date", fmtText(run.run_date)),
			fact("Started", fmtDateTime(run.started_at ?? run.created_at), fmtDuration(run.started_at, run.ended_at)),
			fact("Candidate", mono(run.candidate)),
			fact(
				"Model version",
				mono(run.model_version),
				run.promoted === true ? "promoted" : run.model_version ? "not promoted" : undefined,
			),
			fact("Champion before", mono(run.champion_before)),
		),
		group(
			"Validation (chosen model)",
			fact("MAPE", fmtPct(f.validation.mape), f.naiveMape === undefined ? undefined : `naive ${fmtPct(f.naiveMape)}`),
			fact("Coverage", fmtPct(f.validation.coverage, { digits: 1 })),
			fact("Score", fmtNum(f.validation.score)),
			fact("Signal rate", fmtPct(f.validation.signalRate, { digits: 1 })),
			fact("Gate", yesNo(f.gatePassed, "passed", "failed", ["ok", "bad"])),
		),
		group(
			"Drift (daily returns, recent vs reference)",
			fact("PSI", fmtNum(f.drift.psi), limit(f.drift.psiThreshold)),
			fact("KS", fmtNum(f.drift.ks), limit(f.drift.ksThreshold)),
			fact("Drift", yesNo(f.drift.flagged, "flagged", "none", ["warn", "ok"])),
			fact("Days compared", `${fmtNum(f.drift.recentN)} / ${fmtNum(f.drift.referenceN)}`),
		),
		group(
			"Collection and steps",
			fact("Prices · cards", `${fmtNum(f.collection.rows)} · ${fmtNum(f.collection.cards)}`),
			fact("Cards failed", fmtNum(f.collection.failed)),
			fact(
				"Steps",
				`${f.steps.complete} of ${f.steps.total} complete`,
				[f.steps.failed ? `${f.steps.failed} failed` : "", f.steps.retried ? `${f.steps.retried} retried` : ""]
					.filter(Boolean)
					.join(", ") || undefined,
			),
		),
	);
}
