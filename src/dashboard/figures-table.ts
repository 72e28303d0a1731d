import { badge, h } from "./dom";
import { fmtEdge, fmtNum, fmtPct } from "./format";
import type { FigureRow, SideFigures } from "./run-figures";

const SIDE_COLUMNS = ["Signals", "Decided", "Precision", "Base rate", "Edge"] as const;

/** What a row is, under its name. */
const KIND_NOTE = { learned: "learned model", champion: "champion before the run", baseline: "baseline rule" };

const cell = (text: string, extra = "") => h("td", { class: `num${extra ? ` ${extra}` : ""}` }, text);

const edgeClass = (v: number | undefined) => (v === undefined || v === 0 ? "" : v > 0 ? "gain" : "loss");

/** A side's five cells; only the edge stays on a phone. */
const sideCells = (s: SideFigures) => [
	cell(fmtNum(s.signals), "opt"),
	cell(fmtNum(s.decided), "opt"),
	cell(fmtPct(s.precision, { digits: 1 }), "opt"),
	cell(fmtPct(s.baseRate, { digits: 1 }), "opt"),
	cell(fmtEdge(s.edge), edgeClass(s.edge)),
];

function head(): HTMLTableSectionElement {
	const sideHead = (side: string) =>
		SIDE_COLUMNS.map((label) =>
			label === "Edge"
				? h("th", { scope: "col", class: "num" }, h("span", { class: "phone-only" }, `${side} `), label)
				: h("th", { scope: "col", class: "num opt" }, label),
		);
	return h(
		"thead",
		{},
		h(
			"tr",
			{ class: "group-row" },
			h("td", { colspan: 3 }),
			h("th", { scope: "colgroup", colspan: 5, class: "group" }, "BUY"),
			h("th", { scope: "colgroup", colspan: 5, class: "group" }, "SELL"),
			h("td", { colspan: 2 }),
		),
		h(
			"tr",
			{},
			h("th", { scope: "col" }, "Model"),
			h("th", { scope: "col", class: "num" }, "Pooled edge"),
			h("th", { scope: "col", class: "num opt" }, "Signal rate"),
			...sideHead("BUY"),
			...sideHead("SELL"),
			h("th", { scope: "col", class: "num opt" }, "Brier skill"),
			h("th", { scope: "col", class: "num opt" }, "MAPE"),
		),
	);
}

/**
 * The validation window's figures of every model the run scored, one row each, as ordered by
 * `runFigures` (learned first, then by pooled edge), the challenger and the model the run
 * published with marked. On a phone only the pooled edge and each side's edge stay.
 */
export function figuresTable(rows: readonly FigureRow[]): HTMLElement {
	const body = h(
		"tbody",
		{ id: "figure-rows" },
		...rows.map((r) =>
			h(
				"tr",
				{ "data-subject": r.subject, class: r.kind === "learned" ? "learned" : null },
				h(
					"th",
					{ scope: "row" },
					h("span", { class: "mono" }, r.name),
					r.challenger ? badge("challenger", "info") : null,
					r.serving ? badge("published", "ok") : null,
					h("span", { class: "sub" }, KIND_NOTE[r.kind]),
				),
				cell(fmtEdge(r.pooledEdge), edgeClass(r.pooledEdge)),
				cell(fmtPct(r.signalRate, { digits: 1 }), "opt"),
				...sideCells(r.buy),
				...sideCells(r.sell),
				cell(fmtNum(r.brierSkill, 3), "opt"),
				cell(fmtPct(r.mape), "opt"),
			),
		),
	);
	return h(
		"div",
		{ class: "table-wrap figures" },
		h(
			"table",
			{},
			h(
				"caption",
				{ class: "visually-hidden" },
				"Each model's figures on the validation window: the learned model first, then the champion and every baseline by pooled edge.",
			),
			head(),
			body,
		),
	);
}
