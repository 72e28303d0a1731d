import { badge, h, statusTone } from "./dom";
import { fmtDuration, fmtText } from "./format";
import type { RunSummary } from "./types";

/** Fills the runs table, newest first, with what each published with; the run id is a button that opens its details. */
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
					h("span", { class: "mono" }, fmtText(run.serving_version)),
					run.promoted === true ? h("span", { class: "sub" }, "promoted") : null,
				),
				h("td", { class: "num opt" }, fmtDuration(run.started_at, run.ended_at)),
			);
			row.addEventListener("click", () => onSelect(run));
			return row;
		}),
	);
}
