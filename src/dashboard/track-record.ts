import { h } from "./dom";
import { fmtEdge, fmtNum, fmtPct } from "./format";
import type { TrackRecordSide, TrackRecordSummary } from "./types";

/** The first run date of the last `days` days up to `now` (UTC), for `from=`. */
export function sinceDays(days: number, now = new Date()): string {
	const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
	return start.toISOString().slice(0, 10);
}

/** The query of the summary for a window of run dates (`""`: all of them). */
export function recordQuery(window: string, now = new Date()): string {
	const days = Number(window);
	return `/v1/track-record?limit=1${window && Number.isInteger(days) && days > 0 ? `&from=${sinceDays(days, now)}` : ""}`;
}

const edgeClass = (v: unknown) => (typeof v !== "number" || v === 0 ? "" : v > 0 ? "gain" : "loss");

/** `12 / 20`: right of decided. */
const rightOf = (s: TrackRecordSide | undefined) => `${fmtNum(s?.right)} / ${fmtNum(s?.decided)}`;

function sideRow(label: string, side: TrackRecordSide | undefined): HTMLTableRowElement {
	return h(
		"tr",
		{ "data-side": label },
		h("th", { scope: "row" }, label),
		h("td", { class: "num opt" }, fmtNum(side?.signals)),
		h("td", { class: "num" }, rightOf(side)),
		h("td", { class: "num" }, fmtPct(side?.precision, { digits: 1 })),
		h("td", { class: "num" }, fmtPct(side?.base_rate, { digits: 1 })),
		h("td", { class: `num ${edgeClass(side?.edge)}` }, fmtEdge(side?.edge)),
	);
}

/** What the summary means in a line, or why it is empty. */
export function recordNote(s: TrackRecordSummary): string {
	if (!s.records) return "No published answers yet: every run records what it published, card by card.";
	if (!s.decided)
		return "No outcome is known yet: an answer is decided once the price first moves by the run's move within its horizon.";
	return "Precision: the share of decided signals whose price first moved their way. Base rate: that share over every decided answer. Edge: the difference, in percentage points.";
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
