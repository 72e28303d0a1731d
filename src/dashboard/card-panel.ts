/** The chart panel: a card's history and its track record, read once per load, drawn together. */
import type { CardRecord } from "./api";
import { panelFacts, tcgplayerLink } from "./cards";
import { clearChart, renderChart } from "./chart";
import { append, badge, h, markSelected, setMessage, signalTone } from "./dom";
import { DASH, fmtChances, fmtPct, fmtText } from "./format";
import { recordLine } from "./record-marks";
import { type ChartData, chartData } from "./series";
import { failureOf, report, state } from "./state";
import type { CardHistory, CatalogueCard } from "./types";
import { el } from "./view";

/** The card's latest answer under the chart's title: its signal, the chances of a move, and why a HOLD is a HOLD. */
function showSignal(card: CatalogueCard): void {
	const chances = fmtChances(card, true);
	el.chartSignal.replaceChildren();
	append(el.chartSignal, [
		badge(fmtText(card.latest_signal), signalTone(card.latest_signal)),
		chances === DASH ? null : h("span", { class: "chances" }, chances),
		card.reason ? h("span", { class: "reason-text" }, card.reason) : null,
	]);
}

/** What the card is (set code, number, rarity, printing, language), and its TCGplayer page in a new tab. */
function showFacts(card: CatalogueCard): void {
	const link = tcgplayerLink(card.tcgplayer_url);
	el.chartFacts.replaceChildren();
	append(el.chartFacts, [
		...panelFacts(card).map((fact) => h("span", { class: "fact-chip" }, fact)),
		link
			? h(
					"a",
					{ class: "tcgplayer", href: link, target: "_blank", rel: "noopener" },
					"TCGplayer",
					h("span", { "aria-hidden": "true" }, " ↗"),
					h("span", { class: "visually-hidden" }, " (opens in a new tab)"),
				)
			: null,
	]);
}

function showSummary(data: ChartData, history: CardHistory, record: CardRecord | undefined): void {
	const s = el.chartSummary;
	s.dataset.points = String(data.x.length);
	// For the end-to-end test: what the chart marks, next to what the API answered.
	const counts = data.record.counts;
	for (const [k, v] of Object.entries(counts))
		if (record) s.dataset[k] = String(v);
		else delete s.dataset[k];
	const horizon =
		typeof history.horizon_days === "number"
			? ` · expected price ${history.horizon_days} days ahead${typeof history.move === "number" ? `, move ${fmtPct(history.move, { digits: 0 })}` : ""}`
			: "";
	s.replaceChildren(
		h(
			"span",
			{ class: "line" },
			`${data.x.length} days, ${data.from} to ${data.to} · ${data.buyDays} BUY · ${data.sellDays} SELL days${horizon}`,
		),
		h(
			"span",
			{ class: "line", id: "chart-record" },
			record ? recordLine(counts, record.complete) : "The track record could not be read.",
		),
	);
}

/** Selects a card and charts its history with its track record (each read once per load). */
export async function selectCard(card: CatalogueCard): Promise<void> {
	const api = state.api;
	if (!api) return;
	state.card = card.card_id;
	markSelected(el.catalogue, "card-id", card.card_id);
	el.chartTitle.textContent = fmtText(card.name ?? card.card_id);
	el.chartSubtitle.textContent = [fmtText(card.set), card.card_id, `latest ${fmtText(card.latest_date)}`].join(" · ");
	showSignal(card);
	showFacts(card);
	const token = ++state.cardToken;
	const id = card.card_id;
	let history = state.histories.get(id);
	let record = state.records.get(id);
	let recordError: unknown = null;
	if (!history || !record) {
		setMessage(el.chartMsg, "Loading the price history and the track record…");
		const [read, records] = await Promise.allSettled([
			history ?? api.get<CardHistory>(`/v1/cards/${encodeURIComponent(id)}/history`),
			record ?? api.cardRecord(id),
		]);
		if (token !== state.cardToken) return;
		if (read.status === "rejected") {
			clearChart();
			el.chartSummary.replaceChildren();
			report(read.reason, el.chartMsg);
			return;
		}
		history = read.value;
		state.histories.set(id, history);
		if (records.status === "fulfilled") {
			record = records.value;
			state.records.set(id, record);
		} else recordError = records.reason;
	}
	const data = chartData(Array.isArray(history.points) ? history.points : [], record?.items ?? []);
	if (data.x.length === 0) {
		clearChart();
		el.chartSummary.replaceChildren();
		el.chartSummary.dataset.points = "0";
		setMessage(el.chartMsg, "No observed prices for this card.");
		return;
	}
	setMessage(el.chartMsg, "");
	showSummary(data, history, record);
	renderChart(el.chart, data);
	if (recordError) {
		if (failureOf(recordError).kind === "auth") report(recordError, el.chartMsg);
		else setMessage(el.chartMsg, `The track record could not be read: ${failureOf(recordError).message}`, "warn");
	}
}
