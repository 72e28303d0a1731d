/**
 * The operator dashboard (GET /): the catalogue with each card's latest signal, a card's price
 * history chart with its track record, the track record's summary, the pipeline runs with every
 * model's validation figures, and the model versions, all read from the public API with the key
 * the operator types (kept in sessionStorage for this tab only).
 */
import { Api } from "./api";
import { clearChart } from "./chart";
import { setMessage } from "./dom";
import { loadModels, loadRuns, loadTrackRecord } from "./panels";
import { loadCatalogue, resetCatalogue, wireSearch } from "./search-panel";
import { forgetKey, keyPrefix, savedKey, saveKey } from "./session";
import { showBanner, state, whenKeyRefused } from "./state";
import { el } from "./view";

/** Connected: the key form folds to "Forget key"; disconnected: it asks for a key. */
function setConnected(on: boolean): void {
	el.keyLabel.hidden = on;
	el.key.hidden = on;
	el.connect.hidden = on;
	el.forget.hidden = !on;
	el.form.classList.toggle("connected", on);
}

function disconnect(message?: string): void {
	state.api = null;
	state.key = "";
	state.generation++;
	forgetKey();
	// Nothing read with this key stays on the page.
	clearChart();
	resetCatalogue(null);
	state.histories.clear();
	state.records.clear();
	state.modelVersion = state.dataAsOf = state.champion = null;
	for (const body of [el.runs, el.models]) body.replaceChildren();
	for (const box of [el.runDetail, el.recordSummary, el.chartSignal, el.chartFacts, el.chartSummary])
		box.replaceChildren();
	for (const text of [el.chartTitle, el.chartSubtitle, el.chartSummary, el.recordCount, el.runsCount, el.modelsCount])
		text.textContent = "";
	setConnected(false);
	el.dashboard.hidden = true;
	el.intro.hidden = false;
	el.connection.textContent = "";
	if (message) showBanner(message, "error");
	el.key.focus();
}

function updateConnection(): void {
	const parts = [`Key ${keyPrefix(state.key)}`];
	if (state.modelVersion) parts.push(`published with ${state.modelVersion}`);
	if (state.champion && state.champion !== state.modelVersion) parts.push(`champion ${state.champion}`);
	if (state.dataAsOf) parts.push(`data as of ${state.dataAsOf}`);
	el.connection.textContent = parts.join(" · ");
}

/** Loads everything: the model versions first (which also checks the key), then the other panels together. */
async function loadAll(): Promise<void> {
	const api = state.api;
	if (!api) return;
	const gen = ++state.generation;
	state.histories.clear();
	state.records.clear();
	el.refresh.disabled = true;
	el.intro.hidden = true;
	el.dashboard.hidden = false;
	// aria-busy: assistive technology (and the e2e test) can tell when every panel has settled.
	el.dashboard.setAttribute("aria-busy", "true");
	try {
		if (!(await loadModels(api, gen))) return;
		await Promise.all([loadCatalogue(api, gen), loadTrackRecord(api, gen), loadRuns(api, gen)]);
		if (gen === state.generation) updateConnection();
	} finally {
		if (gen === state.generation) el.dashboard.setAttribute("aria-busy", "false");
		el.refresh.disabled = false;
	}
}

async function connect(key: string): Promise<void> {
	state.api = new Api(key);
	state.key = key;
	resetCatalogue(state.api);
	setMessage(el.banner, "");
	el.connection.textContent = `Key ${keyPrefix(key)}: connecting…`;
	await loadAll();
	if (state.api === null) return; // the key was refused
	saveKey(key);
	el.key.value = "";
	setConnected(true);
}

el.form.addEventListener("submit", (event) => {
	event.preventDefault();
	const key = el.key.value.trim();
	if (key) void connect(key);
});
el.forget.addEventListener("click", () => {
	disconnect();
	showBanner("The key is forgotten in this tab.", "info");
});
el.refresh.addEventListener("click", () => {
	setMessage(el.banner, "");
	void loadAll();
});
el.recordWindow.addEventListener("change", () => {
	if (state.api) void loadTrackRecord(state.api, state.generation);
});
whenKeyRefused(disconnect);
wireSearch();

const saved = savedKey();
if (saved) void connect(saved);
