import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { RunDetail } from "../../src/api/schemas/runs";
import { getRun } from "../../src/db/runs";
import { getServingState } from "../../src/db/serving";
import { listSteps } from "../../src/db/steps";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { api, readJson } from "../helpers/api";
import { cardRows, championVersion, seedServing } from "../helpers/model";
import { count, RUN_TIMEOUT, resetPipeline, runToEnd } from "../helpers/pipeline";
import { requestsFor, useScenario } from "../helpers/price-tracker";

// The Worker's PRICE_TRACKER_API_KEY in the tests: only this file uses it, so the scenario the
// fake server plays for it is this file's alone.
const KEY = "ppt_test_suite";
const LIVE = { source: "live", run_date: "2026-11-21" } as const;

const outcomes = async (runId: string) =>
	(
		await env.DB.prepare(
			"SELECT card_id, status, attempts, http_status, error FROM collect_outcomes WHERE run_id = ? ORDER BY card_id",
		)
			.bind(runId)
			.all<{ card_id: string; status: string; attempts: number; http_status: number | null; error: string | null }>()
	).results;

describe("the live source: the Pokémon Price Tracker API", () => {
	beforeEach(resetPipeline);

	it(
		"collects the whole card universe into the history, records each card's outcome and publishes every card",
		async () => {
			await useScenario(KEY, "happy");
			await using run = await runToEnd("live-happy", LIVE);
			// Ten cards: too few for the gate to promote anything, but the night is published.
			expect(["complete", "rejected"]).toContain((run.output as { status: string }).status);
			const requests = await requestsFor(KEY);
			expect(requests).toHaveLength(10);
			// The history has never seen them: each is asked with its history (two credits), once.
			expect(requests.every((q) => /^\?tcgPlayerId=\d+&includeHistory=true&days=180&limit=1$/.test(q))).toBe(true);
			const recorded = await outcomes("live-happy");
			expect(recorded).toHaveLength(10);
			expect(recorded.every((o) => o.status === "ok" && o.attempts === 1 && o.http_status === 200)).toBe(true);
			expect(recorded.find((o) => o.card_id === "sv2a-150-mewtwo")?.error).toBe(
				"no Near Mint history; used prices.market",
			);
			expect(await count("serving_cards", "run_id = 'live-happy'")).toBe(10);
			expect(await getServingState(env.DB)).toMatchObject({ run_id: "live-happy", data_as_of: "2026-11-20" });
			// Ten cards in batches of six: two collection steps into the history, then shards read from it.
			const steps = (await listSteps(env.DB, "live-happy")).map((s) => s.name);
			expect(steps.filter((s) => s.startsWith(STEP.liveCollect))).toEqual([
				shardStep(STEP.liveCollect, 0),
				shardStep(STEP.liveCollect, 1),
			]);
			expect(steps.filter((s) => s.startsWith(`${STEP.collect} #`))).toEqual([
				shardStep(STEP.collect, 0),
				shardStep(STEP.collect, 1),
			]);
			const days = await env.DB.prepare(
				"SELECT COUNT(*) AS n, MAX(date) AS last FROM history_days WHERE source = 'live'",
			).first<{ n: number; last: string }>();
			expect(days?.last).toBe("2026-11-20");
			expect(days?.n).toBeGreaterThan(100);
		},
		RUN_TIMEOUT,
	);

	it(
		"asks a card the history has seen for today's price alone: one credit a card a night",
		async () => {
			await useScenario(KEY, "happy");
			await using first = await runToEnd("live-night-1", LIVE);
			expect(first.output).toMatchObject({ serving: expect.any(String) });
			const history = await env.DB.prepare(
				"SELECT date, version FROM history_days WHERE source = 'live' ORDER BY date",
			).all<{ date: string; version: string }>();
			await useScenario(KEY, "happy");
			await using second = await runToEnd("live-night-2", { ...LIVE, run_date: "2026-11-22" });
			expect(second.output).toMatchObject({ serving: expect.any(String) });
			const requests = await requestsFor(KEY);
			expect(requests).toHaveLength(10);
			expect(requests.every((q) => /^\?tcgPlayerId=\d+&limit=1$/.test(q))).toBe(true);
			// Today's price is the last day already stored: the history is unchanged, and the night still publishes.
			const after = await env.DB.prepare(
				"SELECT date, version FROM history_days WHERE source = 'live' ORDER BY date",
			).all<{ date: string; version: string }>();
			expect(after.results).toEqual(history.results);
			expect(await count("serving_cards", "run_id = 'live-night-2'")).toBe(10);
		},
		RUN_TIMEOUT,
	);

	it(
		"logs each step as one JSON line and never writes the upstream token",
		async () => {
			const lines: string[] = [];
			const spies = (["log", "info", "warn", "error"] as const).map((level) =>
				vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
					lines.push(args.map(String).join(" "));
				}),
			);
			try {
				await useScenario(KEY, "server-down");
				await using run = await runToEnd("live-logged", LIVE);
				expect(run.output).toMatchObject({ serving: expect.any(String) });
			} finally {
				for (const spy of spies) spy.mockRestore();
			}
			const steps = lines.filter((l) => l.includes('"msg":"pipeline step"')).map((l) => JSON.parse(l));
			expect(steps.length).toBeGreaterThan(3);
			expect(steps[0]).toMatchObject({ run_id: "live-logged", attempt: expect.any(Number), outcome: "complete" });
			expect(steps.every((s) => typeof s.duration_ms === "number" && typeof s.step === "string")).toBe(true);
			expect(lines.join("\n")).not.toContain(KEY);
		},
		RUN_TIMEOUT,
	);

	it(
		"one card failing does not fail the run; its outcome is recorded and shown on the run",
		async () => {
			await useScenario(KEY, "server-down");
			await using run = await runToEnd("live-one-down", LIVE);
			expect(run.output).toMatchObject({ serving: expect.any(String) });
			const detail = await readJson(await api("/v1/runs/live-one-down"), RunDetail);
			expect(detail.collection.counts).toEqual({ ok: 9, failed: 1, skipped: 0 });
			// The default PRICE_TRACKER_MAX_RETRIES is 3: four attempts in all.
			expect(detail.collection.problems).toEqual([
				{
					card_id: "sv2a-201-charizard-ex",
					tcgplayer_id: "566544",
					status: "failed",
					points: 0,
					attempts: 4,
					http_status: 502,
					error: "upstream error (HTTP 502)",
				},
			]);
			expect(detail.metrics).toContainEqual({ subject: "collect", window_name: "run", name: "failed", value: 1 });
			expect(await count("serving_cards", "card_id = 'sv2a-201-charizard-ex'")).toBe(0);
			expect(await count("serving_cards", "run_id = 'live-one-down'")).toBe(9);
		},
		RUN_TIMEOUT,
	);

	it(
		"a 401 from the API fails the run at once without retrying, and the champion stays",
		async () => {
			const champion = (await seedServing(cardRows("live-keep", [10, 11, 12]))).version;
			await useScenario(KEY, "unauthorized");
			await using run = await runToEnd("live-401", LIVE, { expect: "errored" });
			expect(run.error).not.toBeNull();
			expect(await requestsFor(KEY)).toHaveLength(1);
			const step = (await listSteps(env.DB, "live-401")).find((s) => s.name === shardStep(STEP.liveCollect, 0));
			expect(step).toMatchObject({ status: "failed", attempts: 1 });
			expect(step?.error).toMatch(/refused the key \(HTTP 401\)/);
			const failed = await getRun(env.DB, "live-401");
			expect(failed).toMatchObject({ status: "failed", promoted: false });
			expect(failed?.reason).toMatch(/^collect live #0 failed: .*HTTP 401/);
			expect(await championVersion()).toBe(champion);
		},
		RUN_TIMEOUT,
	);

	it(
		"stops early when the day's credits run low, and fails the run past the allowed share of missing cards",
		async () => {
			await useScenario(KEY, "credits-low");
			await using run = await runToEnd("live-credits", LIVE, { expect: "errored" });
			expect(run.error).not.toBeNull();
			const recorded = await outcomes("live-credits");
			expect(recorded.filter((o) => o.status === "ok")).toHaveLength(2);
			expect(recorded.filter((o) => o.status === "skipped")).toHaveLength(8);
			expect(await requestsFor(KEY)).toHaveLength(2);
			const failed = await getRun(env.DB, "live-credits");
			expect(failed?.reason).toMatch(/^check collection failed: .*8 of 10 cards were not collected.*daily credits low/);
			expect(await championVersion()).toBeNull();
		},
		RUN_TIMEOUT,
	);
});
