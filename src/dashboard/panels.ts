/** The dashboard's panels: each loads its part of the API and renders it, dropping answers a newer load has superseded. */
import type { Api } from "./api";
import { defaultCard, matchesFilter, signalCounts } from "./cards";
import { renderCatalogue } from "./catalogue";
import { clearChart, renderChart } from "./chart";
import { h, markSelected, setMessage } from "./dom";
import { fmtText } from "./format";
import { renderModels } from "./models";
import { renderRunDetail, renderRuns } from "./runs";
import { chartData } from "./series";
import { failureOf, plural, report, state } from "./state";
import type { CardHistory, CatalogueCard, ModelList, RunDetail, RunList, RunSummary } from "./types";
import { el } from "./view";

/** Renders the catalogue as filtered, with its counts. */
export function showCatalogue(): void {
	const filter = el.filter.value.trim();
	const shown = state.cards.filter((c) => matchesFilter(c, filter));
	renderCatalogue(el.catalogue, shown, state.card, (card) => void selectCard(card));
	const n = signalCounts(state.cards);
	el.catalogueCount.textContent = state.cards.length
		? `${filter ? `${shown.length} of ` : ""}${state.cards.length} cards · ${n.BUY} BUY · ${n.SELL} SELL`
		: "";
}

/** Selects a card and charts its history (read once per load). */
export async function selectCard(card: CatalogueCard): Promise<void> {
	const api = state.api;
	if (!api) return;
	state.card = card.card_id;
	markSelected(el.catalogue, "card-id", card.card_id);
	el.chartTitle.textContent = fmtText(card.name ?? card.card_id);
	el.chartSubtitle.textContent = [fmtText(card.set), card.card_id, `latest ${fmtText(card.latest_date)}`].join(" · ");
	const token = ++state.cardToken;
	let history = state.histories.get(card.card_id);
	if (!history) {
		setMessage(el.chartMsg, "Loading the price history…");
		try {
			history = await api.get<CardHistory>(`/v1/cards/${encodeURIComponent(card.card_id)}/history`);
		} catch (error) {
			if (token !== state.cardToken) return;
			clearChart();
			el.chartSummary.textContent = "";
			report(error, el.chartMsg);
			return;
		}
		if (token !== state.cardToken) return;
		state.histories.set(card.card_id, history);
	}
	const data = chartData(Array.isArray(history.points) ? history.points : []);
	el.chartSummary.dataset.points = String(data.x.length);
	if (data.x.length === 0) {
		clearChart();
		el.chartSummary.textContent = "";
		setMessage(el.chartMsg, "No observed prices for this card.");
		return;
	}
	setMessage(el.chartMsg, "");
	el.chartSummary.textContent = `${data.x.length} days, ${data.from} to ${data.to} · ${data.buyDays} BUY · ${data.sellDays} SELL days`;
	renderChart(el.chart, data);
}

/** Selects a run and shows its details. */
export async function selectRun(run: RunSummary): Promise<void> {
	const api = state.api;
	if (!api) return;
	state.run = run.id;
	markSelected(el.runs, "run-id", run.id);
	const token = ++state.runToken;
	setMessage(el.runDetailMsg, "Loading the run…");
	try {
		const detail = await api.get<RunDetail>(`/v1/runs/${encodeURIComponent(run.id)}`);
		if (token !== state.runToken) return;
		setMessage(el.runDetailMsg, "");
		renderRunDetail(el.runDetail, detail);
	} catch (error) {
		if (token === state.runToken) report(error, el.runDetailMsg);
	}
}

/** Loads every catalogue page, then charts the card to show first. */
export async function loadCatalogue(api: Api, gen: number): Promise<void> {
	setMessage(el.catalogueMsg, "Loading the catalogue…");
	try {
		const { cards, modelVersion } = await api.allCards((s) => {
			if (gen === state.generation) setMessage(el.catalogueMsg, `Rate limited: continuing in ${s} s…`, "warn");
		});
		if (gen !== state.generation) return;
		state.cards = cards;
		state.modelVersion = modelVersion ?? null;
		showCatalogue();
		setMessage(el.catalogueMsg, cards.length ? "" : "The serving model has no cards.");
		const first = defaultCard(cards, state.card);
		if (first) await selectCard(first);
	} catch (error) {
		if (gen !== state.generation) return;
		state.cards = [];
		showCatalogue();
		clearChart();
		el.chartSummary.textContent = "";
		report(error, el.catalogueMsg);
		if (failureOf(error).kind === "no_model") setMessage(el.chartMsg, "Charts appear once a model is serving.");
	}
}

/** Loads the newest runs and the details of the selected (or newest) one. */
export async function loadRuns(api: Api, gen: number): Promise<void> {
	setMessage(el.runsMsg, "Loading the pipeline runs…");
	try {
		const list = await api.get<RunList>("/v1/runs?limit=20");
		if (gen !== state.generation) return;
		const runs = Array.isArray(list.runs) ? list.runs.filter((r) => typeof r?.id === "string") : [];
		renderRuns(el.runs, runs, state.run, (run) => void selectRun(run));
		el.runsCount.textContent = runs.length
			? `${plural(runs.length, "run")}${list.next_cursor ? " (the newest)" : ""}`
			: "";
		setMessage(el.runsMsg, runs.length ? "" : "No pipeline runs yet.");
		const run = runs.find((r) => r.id === state.run) ?? runs[0];
		if (run) await selectRun(run);
		else el.runDetail.replaceChildren(h("p", { class: "muted" }, "A run's details show here."));
	} catch (error) {
		if (gen === state.generation) report(error, el.runsMsg);
	}
}

/** Loads the model versions; false when the key was refused (or a newer load took over). */
export async function loadModels(api: Api, gen: number): Promise<boolean> {
	setMessage(el.modelsMsg, "Loading the model versions…");
	try {
		const list = await api.get<ModelList>("/v1/models?limit=20");
		if (gen !== state.generation) return false;
		renderModels(el.models, list);
		const count = Array.isArray(list.models) ? list.models.length : 0;
		el.modelsCount.textContent = [
			`${plural(count, "version")}${list.next_cursor ? " (the newest)" : ""}`,
			list.champion ? `champion ${list.champion}` : "no champion",
		].join(" · ");
		setMessage(el.modelsMsg, Array.isArray(list.models) && list.models.length ? "" : "No model versions yet.");
		return true;
	} catch (error) {
		if (gen !== state.generation) return false;
		report(error, el.modelsMsg);
		return failureOf(error).kind !== "auth";
	}
}
