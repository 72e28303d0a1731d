/** The dashboard's panels (the catalogue's is search-panel.ts): each loads its part of the API and renders it, dropping answers a newer load has superseded. */
import type { Api } from "./api";
import { h, markSelected, setMessage } from "./dom";
import { fmtNum } from "./format";
import { renderModels } from "./models";
import { recordQuery } from "./record-summary";
import { renderRunDetail } from "./run-detail";
import { renderRuns } from "./runs";
import { failureOf, plural, report, state } from "./state";
import { renderTrackRecord } from "./track-record";
import type { ModelList, RunDetail, RunList, RunSummary, TrackRecordPage } from "./types";
import { el } from "./view";

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

/** Loads the newest runs and the details of the selected (or newest) one. */
export async function loadRuns(api: Api, gen: number): Promise<void> {
	setMessage(el.runsMsg, "Loading the pipeline runs…");
	try {
		const list = await api.get<RunList>("/v1/runs?limit=20");
		if (gen !== state.generation) return;
		const runs = Array.isArray(list.data) ? list.data.filter((r) => typeof r?.id === "string") : [];
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
		state.champion = typeof list.champion === "string" ? list.champion : null;
		const count = Array.isArray(list.data) ? list.data.length : 0;
		el.modelsCount.textContent = [
			`${plural(count, "version")}${list.next_cursor ? " (the newest)" : ""}`,
			list.champion ? `champion ${list.champion}` : "no champion",
		].join(" · ");
		setMessage(el.modelsMsg, Array.isArray(list.data) && list.data.length ? "" : "No model versions yet.");
		return true;
	} catch (error) {
		if (gen !== state.generation) return false;
		report(error, el.modelsMsg);
		return failureOf(error).kind !== "auth";
	}
}

/** Loads the track record's summary over the chosen window of run dates (all of them by default). */
export async function loadTrackRecord(api: Api, gen: number): Promise<void> {
	const token = ++state.recordToken;
	setMessage(el.recordMsg, "Loading the track record…");
	try {
		const page = await api.get<TrackRecordPage>(recordQuery(el.recordWindow.value));
		if (gen !== state.generation || token !== state.recordToken) return;
		const summary = page.summary && typeof page.summary === "object" ? page.summary : {};
		renderTrackRecord(el.recordSummary, summary);
		el.recordCount.textContent = `${fmtNum(summary.records)} answers · ${fmtNum(summary.resolved)} resolved`;
		setMessage(el.recordMsg, "");
	} catch (error) {
		if (gen === state.generation && token === state.recordToken) {
			el.recordSummary.replaceChildren();
			el.recordCount.textContent = "";
			report(error, el.recordMsg);
		}
	}
}
