/**
 * The operator dashboard (GET /): the catalogue with each card's latest signal, a card's price
 * history chart, the pipeline runs and the model versions, all read from the public API with the
 * key the operator types (kept in sessionStorage for this tab only).
 */
import { Api } from "./api";
import { clearChart } from "./chart";
import { setMessage } from "./dom";
import { loadCatalogue, loadModels, loadRuns, showCatalogue } from "./panels";
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
	state.cards = [];
	state.histories.clear();
	for (const body of [el.catalogue, el.runs, el.models]) body.replaceChildren();
	el.runDetail.replaceChildren();
	for (const text of [
		el.chartTitle,
		el.chartSubtitle,
		el.chartSummary,
		el.catalogueCount,
		el.runsCount,
		el.modelsCount,
	])
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
	if (state.modelVersion) parts.push(`serving ${state.modelVersion}`);
	if (state.cards.length) parts.push(`${state.cards.length} cards`);
	el.connection.textContent = parts.join(" · ");
}

/** Loads everything: the model versions first (which also checks the key), then the catalogue and runs together. */
async function loadAll(): Promise<void> {
	const api = state.api;
	if (!api) return;
	const gen = ++state.generation;
	state.histories.clear();
	el.refresh.disabled = true;
	el.intro.hidden = true;
	el.dashboard.hidden = false;
	// aria-busy: assistive technology (and the e2e test) can tell when every panel has settled.
	el.dashboard.setAttribute("aria-busy", "true");
	try {
		if (!(await loadModels(api, gen))) return;
		await Promise.all([loadCatalogue(api, gen), loadRuns(api, gen)]);
		if (gen === state.generation) updateConnection();
	} finally {
		if (gen === state.generation) el.dashboard.setAttribute("aria-busy", "false");
		el.refresh.disabled = false;
	}
}

async function connect(key: string): Promise<void> {
	state.api = new Api(key);
	state.key = key;
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
el.filter.addEventListener("input", showCatalogue);
whenKeyRefused(disconnect);

const saved = savedKey();
if (saved) void connect(saved);
