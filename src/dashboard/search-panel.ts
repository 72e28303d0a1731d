/**
 * The catalogue panel: the search form, the table of what the API found, and "Load more". The
 * server searches and pages (GET /v1/cards with the form's query); typing waits for a pause,
 * Enter or a select asks at once, and only the newest request's answer is shown.
 */
import type { Api } from "./api";
import { selectCard } from "./card-panel";
import { defaultCard, signalCounts } from "./cards";
import { renderCatalogue } from "./catalogue";
import { CatalogueSearch, type Outcome } from "./catalogue-search";
import { clearChart } from "./chart";
import { debounce } from "./debounce";
import { setMessage } from "./dom";
import type { FieldProblem } from "./problems";
import { fieldOf, type SearchForm, SORTS, searchQuery, shownLine } from "./search";
import { failureOf, report, state } from "./state";
import type { CataloguePage } from "./types";
import { el } from "./view";

/** How long typing must pause before the search is sent. */
const TYPING_PAUSE_MS = 300;

/** Each form field's control, and the words a 422 about it starts with. */
const FIELDS: Record<keyof SearchForm, { control: HTMLInputElement | HTMLSelectElement; label: string }> = {
	q: { control: el.searchQ, label: "Search" },
	signal: { control: el.searchSignal, label: "Signal" },
	kind: { control: el.searchKind, label: "Kind" },
	language: { control: el.searchLanguage, label: "Language" },
	printing: { control: el.searchPrinting, label: "Printing" },
	minPrice: { control: el.searchMinPrice, label: "Min price" },
	maxPrice: { control: el.searchMaxPrice, label: "Max price" },
	sort: { control: el.searchSort, label: "Sort" },
};

const formFields = Object.keys(FIELDS) as (keyof SearchForm)[];

/** The form as typed. */
const readForm = () => Object.fromEntries(formFields.map((f) => [f, FIELDS[f].control.value])) as SearchForm;

const typing = debounce(() => void runSearch(), TYPING_PAUSE_MS);

/** The catalogue read with this key: a new one per connection, none when disconnected. */
let search: CatalogueSearch | null = null;

/** Starts over with `api` (a new key), dropping whatever an older one was reading. */
export function resetCatalogue(api: Api | null): void {
	typing.cancel();
	search?.clear();
	search = api ? new CatalogueSearch((path) => api.get<CataloguePage>(path)) : null;
	el.catalogue.replaceChildren();
	el.catalogueCount.textContent = "";
	setMessage(el.searchMsg, "", "error");
	markInvalid([]);
	showBusy();
}

/** Marks the fields a 422 named (aria-invalid), and only those. */
function markInvalid(fields: (keyof SearchForm)[]): void {
	for (const f of formFields)
		if (fields.includes(f)) FIELDS[f].control.setAttribute("aria-invalid", "true");
		else FIELDS[f].control.removeAttribute("aria-invalid");
}

/** A 422's errors in the form's words: `Min price: must not be above max_price (5).` */
function invalidMessage(errors: FieldProblem[], fallback: string): string {
	if (!errors.length) return fallback;
	return errors
		.map((e) => {
			const field = fieldOf(e.location);
			const text = `${field ? FIELDS[field].label : e.location}: ${e.message}`;
			return /[.!?]$/.test(text) ? text : `${text}.`;
		})
		.join(" ");
}

function showBusy(): void {
	const busy = search?.busy ?? false;
	// aria-busy: assistive technology (and the e2e test) can tell when the table has settled.
	el.cataloguePanel.setAttribute("aria-busy", busy ? "true" : "false");
	el.catalogueMore.hidden = !search?.shown?.nextCursor;
	el.catalogueMore.disabled = busy;
}

/** The count over the table and its message, for the results on show. */
function describeShown(): void {
	const shown = search?.shown;
	if (!shown) return;
	const n = signalCounts(shown.cards);
	el.catalogueCount.textContent = `${shownLine(shown.cards.length, shown.nextCursor !== null)} · ${n.BUY} BUY · ${n.SELL} SELL`;
	setMessage(
		el.catalogueMsg,
		shown.cards.length ? "" : shown.query ? "No cards match this search." : "The serving model has no cards.",
	);
}

/** Clears what a 422 said: the form now asks for what is shown, or for something the API took. */
function clearInvalid(): void {
	setMessage(el.searchMsg, "", "error");
	markInvalid([]);
}

/** Shows what a search or "more" answered; true when it showed something new. */
function show(outcome: Outcome): boolean {
	showBusy();
	if (outcome.status !== "shown") return false;
	const { shown } = outcome;
	renderCatalogue(el.catalogue, outcome.added, state.card, (card) => void selectCard(card), outcome.appended);
	el.catalogue.dataset.query = shown.query; // what the rows answer, for the e2e test
	if (!outcome.appended) {
		state.modelVersion = shown.modelVersion;
		state.dataAsOf = shown.dataAsOf;
	}
	describeShown();
	clearInvalid();
	return true;
}

/**
 * A failed search or "more": a 422 (a filter the API would not take) is shown by the form and
 * the table stays as it was; anything else is reported as every panel reports it (a refused key
 * disconnects, a 429 says how long to wait).
 */
function showFailure(error: unknown): void {
	const failure = failureOf(error);
	if (failure.kind !== "invalid") {
		report(error, el.catalogueMsg);
		return;
	}
	const errors = failure.errors ?? [];
	setMessage(el.searchMsg, invalidMessage(errors, failure.message), "error");
	markInvalid(errors.flatMap((e) => fieldOf(e.location) ?? []));
	describeShown(); // the table keeps the results shown before, and what was said of them
}

/** Loads the first page of the form's search (on connecting, on Refresh), then charts the card to show first. */
export async function loadCatalogue(api: Api, gen: number): Promise<void> {
	search ??= new CatalogueSearch((path) => api.get<CataloguePage>(path));
	const current = search;
	typing.cancel();
	setMessage(el.catalogueMsg, "Loading the catalogue…");
	const pending = current.search(searchQuery(readForm()), { force: true });
	showBusy();
	const outcome = await pending;
	// A newer search took over (typed meanwhile), or a newer load or key: that one shows itself.
	if (gen !== state.generation || current !== search || outcome.status === "stale") return;
	if (outcome.status === "failed" && failureOf(outcome.error).kind !== "invalid") {
		current.clear();
		el.catalogue.replaceChildren();
		el.catalogueCount.textContent = "";
		showBusy();
		clearChart();
		el.chartSummary.replaceChildren();
		el.chartSignal.replaceChildren();
		el.chartFacts.replaceChildren();
		showFailure(outcome.error);
		if (failureOf(outcome.error).kind === "no_model")
			setMessage(el.chartMsg, "Charts appear once a pipeline run has published prices.");
		return;
	}
	if (outcome.status === "failed") {
		setMessage(el.catalogueMsg, "");
		showFailure(outcome.error);
		showBusy();
		return;
	}
	show(outcome);
	const first = defaultCard(current.shown?.cards ?? [], state.card);
	if (first) await selectCard(first);
}

/** Sends the form's search, unless it is the one already shown or asked for. */
async function runSearch(): Promise<void> {
	const current = search;
	if (!current) return;
	const query = searchQuery(readForm());
	const pending = current.search(query);
	showBusy();
	const outcome = await pending;
	if (current !== search) return;
	if (outcome.status === "skipped" && !current.busy && current.shown?.query === query) clearInvalid();
	else if (outcome.status === "failed") {
		showBusy();
		showFailure(outcome.error);
	} else if (show(outcome) && state.card === null) {
		// Nothing charted yet (the first load found nothing): chart the first card found.
		const first = defaultCard(current.shown?.cards ?? [], null);
		if (first) await selectCard(first);
	}
}

/** Reads the next page of the shown results and adds it under them. */
async function loadMore(): Promise<void> {
	const current = search;
	if (!current) return;
	const pending = current.more();
	showBusy();
	el.catalogueMore.textContent = "Loading…";
	const outcome = await pending;
	el.catalogueMore.textContent = "Load more";
	if (current !== search) return;
	if (outcome.status === "failed") {
		showBusy();
		showFailure(outcome.error);
	} else show(outcome);
}

/** Fills the sort select and listens to the form: typing waits for a pause, Enter and selects ask at once. */
export function wireSearch(): void {
	el.searchSort.replaceChildren(...SORTS.map(([value, words]) => new Option(words, value)));
	el.search.addEventListener("submit", (event) => {
		event.preventDefault();
		typing.now();
	});
	for (const f of formFields) {
		const { control } = FIELDS[f];
		if (control instanceof HTMLSelectElement) control.addEventListener("change", () => typing.now());
		else
			control.addEventListener("input", () => {
				control.removeAttribute("aria-invalid");
				typing.schedule();
			});
	}
	el.catalogueMore.addEventListener("click", () => void loadMore());
}
