/**
 * What the dashboard shows, panel by panel, against what the API answers for the same key. The
 * checks hold whatever the night's gate decided (a learned model, a baseline rule or
 * always-HOLD): they compare, they never expect a particular signal.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { rowFacts } from "../../src/dashboard/cards";
import { fmtChances, fmtChange, fmtEdge, fmtNum, fmtPct, fmtPrice } from "../../src/dashboard/format";
import type {
	CardHistory,
	CataloguePage,
	ModelList,
	TrackRecordPage,
	TrackRecordSide,
} from "../../src/dashboard/types";
import type { RunAnswer } from "./harness";

/** GET with the scenarios' admin key. */
export type ApiGet = <T>(path: string) => Promise<T>;

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").trim();

/** Every catalogue row: its signal, market and expected price, 7-day change, the chances of a move, the HOLD reason, the number and printing. */
export async function checkCatalogue(page: Page, api: ApiGet): Promise<CataloguePage> {
	const answer = await api<CataloguePage>("/v1/cards?limit=100");
	const rows = page.locator("#catalogue-rows tr");
	expect(await rows.count()).toBe(answer.data.length);
	for (const card of answer.data) {
		const row = page.locator(`#catalogue-rows tr[data-card-id="${card.card_id}"]`);
		const cells = (await row.locator("td").allTextContents()).map((t) => t.trim());
		// Latest (wide screens only), market, expected, deviation, 7-day change, signal.
		expect(cells.slice(1, 3), card.card_id).toEqual([
			fmtPrice(card.latest_market_price),
			fmtPrice(card.latest_fair_price),
		]);
		expect(cells[4], card.card_id).toBe(fmtChange(card.change_7d));
		const facts = rowFacts(card);
		expect(await row.locator(".facts").count(), card.card_id).toBe(facts === null ? 0 : 1);
		if (facts !== null) expect(await row.locator(".facts").textContent(), card.card_id).toBe(facts);
		const signal = row.locator("td.signal-col");
		expect(await signal.locator(".badge").textContent(), card.card_id).toBe(card.latest_signal);
		expect(await signal.getAttribute("title"), card.card_id).toBe(card.reason ?? null);
		const chances = fmtChances(card);
		expect(await signal.locator(".chances").count()).toBe(chances === "—" ? 0 : 1);
		if (chances !== "—") expect(await signal.locator(".chances").textContent()).toBe(chances);
	}
	// The sample fits one page: all shown, no more to load (the API gives no total, the page invents none).
	expect(await text(page, "#catalogue-count")).toMatch(new RegExp(`^${answer.data.length} shown ·`));
	expect(await page.locator("#catalogue-more").isHidden()).toBe(true);
	const connection = await text(page, "#connection");
	expect(connection).toContain(`published with ${answer.model_version}`);
	expect(connection).toContain(`data as of ${answer.data_as_of}`);
	return answer;
}

/** A card's chart: as many points as its history, its BUY and SELL days, and its track record counted by outcome. */
export async function checkChart(page: Page, api: ApiGet, cardId: string): Promise<void> {
	const history = await api<CardHistory>(`/v1/cards/${cardId}/history`);
	const record = await api<TrackRecordPage>(`/v1/track-record?card_id=${cardId}&limit=100`);
	expect(history.points.length).toBeGreaterThan(100);
	const summary = page.locator(`#chart-summary[data-points="${history.points.length}"]`);
	await summary.waitFor();
	const days = (s: string) => history.points.filter((p) => p.signal === s).length;
	const line = await text(page, "#chart-summary");
	expect(line).toContain(`${history.points.length} days`);
	expect(line).toContain(`${days("BUY")} BUY · ${days("SELL")} SELL days`);
	expect(line).toContain(`expected price ${history.horizon_days} days ahead`);
	// The track record, judged here on its own: a BUY is right when the price first moved up, a SELL when down.
	const counts = { answers: 0, right: 0, wrong: 0, undecided: 0, pending: 0, hold: 0 };
	for (const r of record.data) {
		counts.answers++;
		if (r.signal !== "BUY" && r.signal !== "SELL") counts.hold++;
		else if (r.outcome === null || r.outcome === undefined) counts.pending++;
		else if (r.outcome === "none") counts.undecided++;
		else if ((r.outcome === "up") === (r.signal === "BUY")) counts.right++;
		else counts.wrong++;
	}
	expect(counts.answers).toBeGreaterThan(0); // every run records what it published for every card
	for (const [k, v] of Object.entries(counts)) expect(await summary.getAttribute(`data-${k}`), k).toBe(String(v));
	expect(await text(page, "#chart-record")).toContain(
		`${counts.answers} published answer${counts.answers === 1 ? "" : "s"}`,
	);
	const legend = await page.locator("#chart .u-legend").textContent();
	for (const label of [
		"Market price",
		"Expected price",
		"BUY day",
		"SELL day",
		"Right call",
		"Wrong call",
		"Undecided",
		"Pending",
	])
		expect(legend).toContain(label);
}

const sideCells = (s: TrackRecordSide | undefined) => [
	fmtNum(s?.signals),
	`${fmtNum(s?.right)} / ${fmtNum(s?.decided)}`,
	fmtPct(s?.precision, { digits: 1 }),
	fmtPct(s?.base_rate, { digits: 1 }),
	fmtEdge(s?.edge),
];

/** The track record panel: each side's figures and the pooled edge, as GET `query` answers them. */
export async function checkTrackRecord(page: Page, api: ApiGet, query = "/v1/track-record?limit=1"): Promise<void> {
	const { summary } = await api<TrackRecordPage>(query);
	if (!summary) throw new Error(`${query} answered no summary`);
	for (const [side, figures] of [
		["BUY", summary.buy],
		["SELL", summary.sell],
	] as const) {
		const cells = await page.locator(`#record-rows tr[data-side="${side}"] td`).allTextContents();
		expect(
			cells.map((c) => c.trim()),
			side,
		).toEqual(sideCells(figures));
	}
	expect(await text(page, "#record-summary .record-facts")).toContain(`Pooled edge${fmtEdge(summary.pooled_edge)}`);
	expect(await text(page, "#record-count")).toBe(
		`${fmtNum(summary.records)} answers · ${fmtNum(summary.resolved)} resolved`,
	);
}

/** The validation window's subjects in the page's order: the learned model first, then by pooled edge (missing last), then by name. */
export function expectedFigureRows(run: RunAnswer): { subject: string; pooledEdge: number | null }[] {
	const subjects = new Map<string, number | null>();
	for (const m of run.metrics)
		if (m.window_name === "validation" && /^(learned|champion|baseline:.+)$/.test(m.subject)) {
			if (!subjects.has(m.subject)) subjects.set(m.subject, null);
			if (m.name === "pooled_edge") subjects.set(m.subject, m.value);
		}
	const name = (s: string) => (s === "champion" ? (run.champion_before ?? "champion") : s.replace(/^baseline:/, ""));
	const edge = (v: number | null) => v ?? Number.NEGATIVE_INFINITY;
	return [...subjects]
		.map(([subject, pooledEdge]) => ({ subject, pooledEdge }))
		.sort(
			(a, b) =>
				Number(b.subject === "learned") - Number(a.subject === "learned") ||
				edge(b.pooledEdge) - edge(a.pooledEdge) ||
				name(a.subject).localeCompare(name(b.subject)),
		);
}

/** The run's details: what it published with, the gate's checks, and every model's validation figures in order. */
export async function checkRunDetail(page: Page, run: RunAnswer): Promise<void> {
	const detail = await text(page, "#run-detail");
	expect(detail).toContain(`Published with${run.serving_version}`);
	expect(detail).toContain(`Challenger${run.candidate}`);
	expect(detail).toContain(run.promoted ? "promoted" : "not promoted");
	const checks = run.metrics.filter((m) => m.subject === "gate" && m.window_name === "validation");
	expect(checks.length).toBeGreaterThan(1);
	// The gate's group: the verdict, then one fact per check.
	expect(await page.locator("#run-detail .fact-group").nth(1).locator(".fact").count()).toBe(checks.length);
	const rows = expectedFigureRows(run);
	expect(rows.filter((r) => r.subject.startsWith("baseline:")).length).toBeGreaterThan(1);
	const shown = page.locator("#figure-rows tr");
	expect(await shown.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-subject")))).toEqual(
		rows.map((r) => r.subject),
	);
	const edges = await page.locator("#figure-rows tr > td:nth-of-type(1)").allTextContents();
	expect(edges.map((t) => t.trim())).toEqual(rows.map((r) => fmtEdge(r.pooledEdge)));
	const psi = run.metrics.find((m) => m.subject === "drift" && m.name === "psi")?.value;
	expect(psi).toEqual(expect.any(Number));
	expect(detail).toContain(`PSI${(psi as number).toFixed(4)}`);
	expect(detail).toMatch(/Driftnone|Driftflagged/);
}

/** The model versions: the champion marked, each version's kind and validation pooled edge. */
export async function checkModels(page: Page, api: ApiGet): Promise<ModelList> {
	const list = await api<ModelList>("/v1/models?limit=20");
	expect(await page.locator("#model-rows tr").count()).toBe(list.data.length);
	const champion = page.locator("#model-rows tr.champion");
	expect(await champion.count()).toBe(1);
	expect(await champion.getAttribute("data-version")).toBe(list.champion);
	expect(await champion.locator(".badge-champion").textContent()).toBe("champion");
	for (const m of list.data) {
		const row = page.locator(`#model-rows tr[data-version="${m.version}"]`);
		expect(await row.locator("td.kind").textContent(), m.version).toBe(m.kind);
		const cells = (await row.locator("td").allTextContents()).map((t) => t.trim());
		expect(cells[5], m.version).toBe(fmtEdge(m.validation?.pooled_edge));
	}
	return list;
}
