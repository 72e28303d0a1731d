/**
 * The operator dashboard end to end: the page served from static assets by the real Worker,
 * driven in headless Chromium against the real API (no mocks), before and after the pipeline
 * publishes the shipped sample. What the page shows is compared with what the API answers
 * (test/e2e/page-checks.ts), so the scenarios hold whichever model the night's gate published.
 */
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/local";
import type { LocalWorker } from "../../scripts/lib/local-worker";
import { recordQuery } from "../../src/dashboard/record-summary";
import {
	ARTIFACTS,
	CHROMIUM,
	chromiumAvailable,
	type Keys,
	launchBrowser,
	type RunAnswer,
	runSamplePipeline,
	startSeededWorker,
} from "./harness";
import { type ApiGet, checkCatalogue, checkChart, checkModels, checkRunDetail, checkTrackRecord } from "./page-checks";
import { cardsQuery, checkBadRange, checkLoadMore, checkSort, checkTypedSearch } from "./search-checks";

const required = process.env.POKEWATCH_E2E_REQUIRED === "1";
if (!chromiumAvailable && !required)
	console.warn(
		`[e2e] dashboard tests SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
	);

const SAMPLE_CARDS = 16;
const CARD = "sv03-223-charizard-ex";

/** A page that records CSP violations and uncaught errors, which every scenario asserts are absent. */
type WatchedPage = { page: Page; context: BrowserContext; csp: string[]; errors: string[] };

describe.skipIf(!chromiumAvailable && !required)("the operator dashboard in Chromium", () => {
	let worker: LocalWorker;
	let keys: Keys;
	let browser: Browser;
	let run: RunAnswer;
	const opened: WatchedPage[] = [];

	const url = (path = "/") => new URL(path, worker.url).href;

	async function open(viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
		const context = await browser.newContext({ viewport });
		const page = await context.newPage();
		page.setDefaultTimeout(15_000);
		const watched: WatchedPage = { page, context, csp: [], errors: [] };
		page.on("console", (m) => {
			if (/Content Security Policy/i.test(m.text())) watched.csp.push(m.text());
		});
		page.on("pageerror", (e) => watched.errors.push(String(e)));
		opened.push(watched);
		await page.goto(url("/"));
		return watched;
	}

	async function connect(page: Page, key: string): Promise<void> {
		await page.getByLabel("API key", { exact: true }).fill(key);
		await page.getByRole("button", { name: "Connect" }).click();
	}

	/** Every panel has settled: the page clears aria-busy once all its calls have answered. */
	const settled = (page: Page) => page.locator('#dashboard[aria-busy="false"]').waitFor({ state: "attached" });

	/** The API's answer with the admin key, to compare with what the page shows. */
	const api: ApiGet = async <T>(path: string) => {
		const res = await fetch(url(path), { headers: { "x-api-key": keys.admin } });
		if (!res.ok) throw new Error(`${path}: ${res.status}`);
		return (await res.json()) as T;
	};

	/** A card's history straight from the API. */
	const historyOf = (card: string) => api<{ points: unknown[] }>(`/v1/cards/${card}/history`);

	const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").trim();

	beforeAll(async () => {
		// `npm test` builds them first (pretest); a bare `vitest` run needs `npm run build:assets`.
		const bundle = await stat(join(ROOT, "public", "app", "dashboard.js")).catch(() => null);
		if (!bundle) throw new Error("public/app/dashboard.js is missing: run `npm run build:assets` first");
		({ worker, keys } = await startSeededWorker());
		browser = await launchBrowser();
		await mkdir(ARTIFACTS, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await worker?.dispose();
	});

	it("is served from static assets under a strict CSP, while the Worker keeps its routes", async () => {
		const page = await fetch(url("/"));
		expect(page.status).toBe(200);
		expect(page.headers.get("content-type")).toMatch(/^text\/html/);
		expect(page.headers.get("x-request-id")).toBeNull(); // not the Worker: a static asset
		const csp = page.headers.get("content-security-policy") ?? "";
		for (const directive of [
			"script-src 'self'",
			"style-src 'self'",
			"connect-src 'self'",
			"img-src 'self' data:",
			"frame-ancestors 'none'",
		])
			expect(csp).toContain(directive);
		expect(csp).not.toContain("unsafe-inline");
		const html = await page.text();
		expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=/i); // nothing inline
		for (const asset of ["/app/dashboard.js", "/app/dashboard.css"]) {
			expect(html).toContain(asset);
			const res = await fetch(url(asset));
			expect(res.status, asset).toBe(200);
			expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
		}
		// Every Worker route still answers from the Worker (its X-Request-ID), never from public/.
		for (const [path, status] of [
			["/health", 200],
			["/v1/health", 503],
			["/docs", 200],
			["/openapi.json", 200],
			["/cards", 401],
			["/fair_price", 401],
			["/v1/cards", 401],
			["/v1/track-record", 401],
		] as const) {
			const res = await fetch(url(path));
			await res.arrayBuffer();
			expect(res.status, path).toBe(status);
			expect(res.headers.get("x-request-id"), path).not.toBeNull();
		}
	});

	it("says clearly that nothing is published yet, with an empty track record and no runs", async () => {
		const { page } = await open();
		await expect(page.locator("#intro").isVisible()).resolves.toBe(true);
		await connect(page, keys.admin);
		await settled(page);
		expect(await text(page, "#catalogue-msg")).toContain("No model is serving yet (503)");
		expect(await text(page, "#chart-msg")).toContain("once a pipeline run has published prices");
		expect(await text(page, "#runs-msg")).toBe("No pipeline runs yet.");
		expect(await text(page, "#record-summary")).toContain("No published answers yet");
		await checkTrackRecord(page, api);
		expect(await page.locator("#catalogue-rows tr").count()).toBe(0);
	});

	it("shows what the API answers: the catalogue, a card's chart and track record, the run with every baseline, the models", async () => {
		run = await runSamplePipeline(worker.url, keys.admin);
		expect(run.status).toMatch(/^(complete|rejected)$/); // rejected: the gate kept the champion or always-HOLD
		expect(run.published).toBe(true);
		const watched = await open();
		const { page } = watched;
		await connect(page, keys.admin);
		await settled(page);

		// The catalogue: every sample card, as published (signal, prices, chances, the reason for a HOLD).
		const catalogue = await checkCatalogue(page, api);
		expect(catalogue.data).toHaveLength(SAMPLE_CARDS);
		expect(catalogue.model_version).toBe(run.serving_version);

		// A card's chart: every day of its history, its BUY and SELL days, its track record by outcome.
		await page.locator(`#catalogue-rows tr[data-card-id="${CARD}"]`).click();
		await checkChart(page, api, CARD);
		expect(await text(page, "#chart-title")).toBe("Charizard ex");
		const latest = catalogue.data.find((c) => c.card_id === CARD);
		expect(await text(page, "#chart-signal .badge")).toBe(latest?.latest_signal);
		if (latest?.reason) expect(await text(page, "#chart-signal")).toContain(latest.reason);
		// Its TCGplayer page, in a new tab, when the API gives one (the sample's cards have none).
		const link = page.locator("#chart-facts a.tcgplayer");
		expect(await link.count()).toBe(latest?.tcgplayer_url ? 1 : 0);
		if (latest?.tcgplayer_url) {
			expect(await link.getAttribute("href")).toBe(latest.tcgplayer_url);
			expect(await link.getAttribute("target")).toBe("_blank");
			expect(await link.getAttribute("rel")).toContain("noopener");
		}
		expect(await page.locator(`#catalogue-rows tr[data-card-id="${CARD}"] button`).getAttribute("aria-pressed")).toBe(
			"true",
		);
		const canvas = await page.locator("#chart canvas").boundingBox();
		expect(canvas?.width).toBeGreaterThan(300);
		expect(canvas?.height).toBeGreaterThan(150);

		// The track record's summary, over every run and over the last 30 days.
		await checkTrackRecord(page, api);
		await page.locator("#record-window").selectOption("30");
		await page.locator("#record-msg").waitFor({ state: "hidden" });
		await checkTrackRecord(page, api, recordQuery("30"));

		// The runs table and the run's details: what it published with, the gate, every model's figures, drift.
		const row = page.locator(`#run-rows tr[data-run-id="${run.id}"]`);
		expect(await page.locator("#run-rows tr").count()).toBe(1);
		expect(await row.locator(".badge").first().textContent()).toBe(run.status);
		expect(await row.textContent()).toContain(run.serving_version ?? "missing serving version");
		await checkRunDetail(page, run);
		await page.locator("#run-panel").screenshot({ path: join(ARTIFACTS, "dashboard-run-detail.png") });

		// The model versions with the champion marked.
		const models = await checkModels(page, api);
		expect(models.champion).toBe(run.promoted ? run.serving_version : run.champion_before);

		// Keyboard: another card's button takes focus and Enter charts it.
		await page.locator('#catalogue-rows tr[data-card-id="sv04-199-groudon"] button').focus();
		await page.keyboard.press("Enter");
		await page.locator("#chart-title", { hasText: "Groudon" }).waitFor();

		// The key: in this tab's sessionStorage only, never in localStorage or the URL; a reload reconnects.
		const storage = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }));
		expect(storage).toEqual({ session: 1, local: 0 });
		expect(page.url()).not.toContain(keys.admin);
		expect(await page.getByLabel("API key", { exact: true }).inputValue()).toBe("");
		await page.reload();
		await settled(page);
		expect(await page.locator("#catalogue-rows tr").count()).toBe(SAMPLE_CARDS);
		expect(await page.locator("#chart canvas").count()).toBe(1);
		await page.screenshot({ path: join(ARTIFACTS, "dashboard-desktop.png"), fullPage: true });

		await page.getByRole("button", { name: "Forget key" }).click();
		expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
		expect(await page.locator("#dashboard").isHidden()).toBe(true);
		expect(watched).toMatchObject({ csp: [], errors: [] });
	}, 120_000); // the sample pipeline run alone takes about half a minute, more on a busy machine

	describe("the catalogue, searched and paged by the API", () => {
		/** A fresh page connected with the admin key, its first catalogue page shown. */
		async function connected(prepare?: (page: Page) => Promise<unknown>): Promise<WatchedPage> {
			const watched = await open();
			await prepare?.(watched.page);
			await connect(watched.page, keys.admin);
			await settled(watched.page);
			return watched;
		}

		it("narrows the table from the server as the operator types, the newest search winning", async () => {
			const watched = await connected();
			await checkTypedSearch(watched.page, api);
			await watched.page
				.locator("#catalogue-panel")
				.screenshot({ path: join(ARTIFACTS, "dashboard-catalogue-search.png") });
			expect(watched).toMatchObject({ csp: [], errors: [] });
		});

		it("orders the table as the sort asks, from the server", async () => {
			const watched = await connected();
			await checkSort(watched.page, api);
			expect(watched).toMatchObject({ csp: [], errors: [] });
		});

		it("shows the API's 422 for a bad price range next to the form, keeping the rows and the key", async () => {
			const watched = await connected();
			await checkBadRange(watched.page, api);
			expect(watched).toMatchObject({ csp: [], errors: [] });
		});

		it("loads more by next_cursor until none is left", async () => {
			const size = 6;
			// Pages of 6 (the sample has 16 cards, under one page of 50): the page's own limit is
			// rewritten on its way out; the paging itself is the API's.
			const watched = await connected((page) =>
				page.route(
					(url) => cardsQuery(url.href) !== null,
					(route) => {
						const url = new URL(route.request().url());
						url.searchParams.set("limit", String(size));
						return route.continue({ url: url.href });
					},
				),
			);
			await checkLoadMore(watched.page, api, size);
			expect(watched).toMatchObject({ csp: [], errors: [] });
		});
	});

	it("fits a phone: no horizontal scrolling at 390 px, the chart drawn", async () => {
		const watched = await open({ width: 390, height: 844 });
		const { page } = watched;
		await connect(page, keys.admin);
		await settled(page);
		expect(await page.locator("#catalogue-rows tr").count()).toBe(SAMPLE_CARDS);
		await page.locator(`#catalogue-rows tr[data-card-id="${CARD}"]`).click();
		await page.locator(`#chart-summary[data-points="${(await historyOf(CARD)).points.length}"]`).waitFor();
		expect(await page.locator("#figure-rows tr").count()).toBeGreaterThan(2);
		expect(await page.locator("#record-rows tr").count()).toBe(2);
		// Runs in the page (the test's own types have no DOM).
		const widths = await page.evaluate(() => {
			type Root = { scrollWidth: number; clientWidth: number };
			const { documentElement } = (globalThis as unknown as { document: { documentElement: Root } }).document;
			return { scroll: documentElement.scrollWidth, client: documentElement.clientWidth };
		});
		expect(widths.client).toBe(390);
		expect(widths.scroll).toBeLessThanOrEqual(widths.client);
		const canvas = await page.locator("#chart canvas").boundingBox();
		expect(canvas?.width).toBeGreaterThan(250);
		expect((canvas?.x ?? 0) + (canvas?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(widths.client);
		await page.screenshot({ path: join(ARTIFACTS, "dashboard-phone.png"), fullPage: true });
		await page.locator("#catalogue-panel").screenshot({ path: join(ARTIFACTS, "dashboard-phone-catalogue.png") });
		expect(watched).toMatchObject({ csp: [], errors: [] });
	});

	it("says clearly when a key is unknown, revoked or over its rate limit", async () => {
		const cases = [
			{ key: keys.unknown, expected: /did not accept this key \(401\)/ },
			{ key: keys.revoked, expected: /not allowed \(403\).*revoked/ },
		];
		for (const { key, expected } of cases) {
			const { page } = await open();
			await connect(page, key);
			await page.locator("#banner:not([hidden])").waitFor();
			expect(await text(page, "#banner")).toMatch(expected);
			expect(await page.locator("#dashboard").isHidden()).toBe(true);
			expect(await page.evaluate(() => sessionStorage.length)).toBe(0); // a refused key is not kept
			if (key === keys.unknown) await page.screenshot({ path: join(ARTIFACTS, "dashboard-bad-key.png") });
		}
		// One request allowed, then 429s with Retry-After: the page says how long to wait.
		const { page } = await open();
		await connect(page, keys.limited);
		await page.locator("#banner:not([hidden])").waitFor();
		expect(await text(page, "#banner")).toMatch(/Too many requests with this key \(429\): wait \d+ s/);
		expect(opened.flatMap((w) => [...w.csp, ...w.errors])).toEqual([]);
	});
});
