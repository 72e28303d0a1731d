import { badge, h } from "./dom";
import { fmtDateTime, fmtEdge, fmtSpec, fmtText } from "./format";
import type { ModelInfo, ModelList } from "./types";

/** Whether a version is the champion: named by the list's `champion`, or carrying the alias. */
export const isChampion = (m: ModelInfo, list: ModelList) =>
	m.version === list.champion || (Array.isArray(m.aliases) && m.aliases.includes("champion"));

const edgeClass = (v: unknown) => (typeof v !== "number" || v === 0 ? "num" : v > 0 ? "num gain" : "num loss");

/**
 * Fills the model versions table, newest first, with the champion marked by a badge and the
 * row's style: each version's kind, spec, data range, the last day a learned model saw the
 * outcome of, and its building run's validation pooled edge and side edges.
 */
export function renderModels(tbody: HTMLTableSectionElement, list: ModelList): void {
	const models = Array.isArray(list.data) ? list.data.filter((m) => typeof m?.version === "string") : [];
	tbody.replaceChildren(
		...models.map((m) => {
			const champion = isChampion(m, list);
			const others = (Array.isArray(m.aliases) ? m.aliases : []).filter(
				(a) => typeof a === "string" && a !== "champion",
			);
			return h(
				"tr",
				{ class: champion ? "champion" : null, "data-version": m.version },
				h(
					"th",
					{ scope: "row" },
					h("span", { class: "mono version" }, m.version),
					champion ? badge("champion", "champion") : null,
					...others.map((a) => badge(a, "muted")),
					h(
						"span",
						{ class: "sub" },
						`${m.run_id ? `run ${m.run_id}` : fmtText(m.source)} · ${fmtDateTime(m.created_at)}`,
					),
				),
				h("td", { class: "kind" }, badge(fmtText(m.kind), m.kind === "learned" ? "info" : "muted")),
				h("td", { class: "opt" }, badge(fmtText(m.status), m.status === "ready" ? "ok" : "muted")),
				h("td", { class: "spec opt" }, fmtSpec(m.spec)),
				h(
					"td",
					{ class: "range opt" },
					h("span", { class: "nowrap" }, `${fmtText(m.data_from)} →`),
					" ",
					h("span", { class: "nowrap" }, fmtText(m.data_as_of)),
				),
				h("td", { class: "opt" }, fmtText(m.trained_through)),
				h("td", { class: edgeClass(m.validation?.pooled_edge) }, fmtEdge(m.validation?.pooled_edge)),
				h("td", { class: `${edgeClass(m.validation?.buy_edge)} opt` }, fmtEdge(m.validation?.buy_edge)),
				h("td", { class: `${edgeClass(m.validation?.sell_edge)} opt` }, fmtEdge(m.validation?.sell_edge)),
			);
		}),
	);
}
