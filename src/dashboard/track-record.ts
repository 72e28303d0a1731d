import { badge, h } from "./dom";
import { fmtEdge, fmtNum, fmtPct } from "./format";
import { recordNote } from "./record-summary";
import type { TrackRecordSide, TrackRecordSummary } from "./types";

const edgeClass = (v: unknown) => (typeof v !== "number" || v === 0 ? "" : v > 0 ? "gain" : "loss");

/** `12 / 20`: right of decided. */
const rightOf = (s: TrackRecordSide | undefined) => `${fmtNum(s?.right)} / ${fmtNum(s?.decided)}`;

function sideRow(label: string, side: TrackRecordSide | undefined): HTMLTableRowElement {
	return h(
		"tr",
		{ "data-side": label },
		h("th", { scope: "row" }, badge(label, label === "BUY" ? "buy" : "sell")),
		h("td", { class: "num opt" }, fmtNum(side?.signals)),
		h("td", { class: "num" }, rightOf(side)),
		h("td", { class: "num" }, fmtPct(side?.precision, { digits: 1 })),
		h("td", { class: "num" }, fmtPct(side?.base_rate, { digits: 1 })),
		h("td", { class: `num ${edgeClass(side?.edge)}` }, fmtEdge(side?.edge)),
	);
}

/**
 * The track record's summary: per side the signals, right of decided, precision, base rate and
 * edge, then the pooled edge and how many answers were published, resolved and decided.
 */
export function renderTrackRecord(container: HTMLElement, s: TrackRecordSummary): void {
	container.replaceChildren(
		h(
			"div",
			{ class: "table-wrap" },
			h(
				"table",
				{},
				h("caption", { class: "visually-hidden" }, "Published BUY and SELL signals and how they turned out."),
				h(
					"thead",
					{},
					h(
						"tr",
						{},
						h("th", { scope: "col" }, "Side"),
						h("th", { scope: "col", class: "num opt" }, "Signals"),
						h("th", { scope: "col", class: "num" }, "Right / decided"),
						h("th", { scope: "col", class: "num" }, "Precision"),
						h("th", { scope: "col", class: "num" }, "Base rate"),
						h("th", { scope: "col", class: "num" }, "Edge"),
					),
				),
				h("tbody", { id: "record-rows" }, sideRow("BUY", s.buy), sideRow("SELL", s.sell)),
			),
		),
		h(
			"dl",
			{ class: "facts record-facts" },
			...(
				[
					["Pooled edge", fmtEdge(s.pooled_edge), edgeClass(s.pooled_edge)],
					["Answers", fmtNum(s.records), ""],
					["Resolved", fmtNum(s.resolved), ""],
					["Decided", fmtNum(s.decided), ""],
				] as const
			).map(([label, value, tone]) =>
				h("div", { class: "fact" }, h("dt", {}, label), h("dd", { class: tone || null }, value)),
			),
		),
		h("p", { class: "note" }, recordNote(s)),
	);
}
