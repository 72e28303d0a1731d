import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SignalList } from "../../src/api/schemas/cards";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { TrackRecordPage } from "../../src/api/schemas/track-record";
import { getModelVersion } from "../../src/db/models";
import { getMetrics } from "../../src/db/run-records";
import { getRun } from "../../src/db/runs";
import { getServingState } from "../../src/db/serving";
import { listSteps } from "../../src/db/steps";
import { toSeries } from "../../src/model/card-series";
import { outcomeAt } from "../../src/model/first-passage";
import { artifactKeys } from "../../src/pipeline/artifact-keys";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { api, postJson, readJson } from "../helpers/api";
import { championVersion } from "../helpers/model";
import { count, momentumRows, RUN_TIMEOUT, resetPipeline, runToEnd, toCsv, uploadCsv } from "../helpers/pipeline";

const ROWS = momentumRows();
const CARDS = 24;
const CARD = "mom-03";
const shards = (base: string, n: number) => Array.from({ length: n }, (_, i) => shardStep(base, i));

/** The served history line of a card, as a run published it. */
async function servedLine(runId: string, cardId: string) {
	const row = await env.DB.prepare(
		"SELECT byte_offset, byte_length FROM serving_cards WHERE card_id = ? AND run_id = ?",
	)
		.bind(cardId, runId)
		.first<{ byte_offset: number; byte_length: number }>();
	const object = await env.ARCHIVE.get(`serving/run=${runId}/part-0000.ndjson`, {
		range: { offset: row?.byte_offset ?? 0, length: row?.byte_length ?? 1 },
	});
	return JSON.parse((await object?.text()) ?? "null");
}

describe("the nightly pipeline on a market the model can learn", () => {
	let source: string;
	let version: string;

	beforeAll(async () => {
		await resetPipeline();
		source = await uploadCsv(toCsv(ROWS));
	});

	it(
		"a night collects, builds features, fits every fold, evaluates, gates, publishes every card and records its answers",
		async () => {
			await using run = await runToEnd("pl-mom-1", { source, run_date: "2026-04-20", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "complete", candidate: "learned" });
			version = (run.output as { version: string }).version;
			expect(version).toMatch(/^v20260420-[0-9a-f]{10}$/);

			const steps = await listSteps(env.DB, "pl-mom-1");
			const names = steps.map((s) => s.name);
			// An import's shards are runs of whole upload chunks: this small file is one chunk, one shard.
			const plan = (await run.instance.waitForStepResult({ name: STEP.plan })) as { shards: unknown[] };
			const n = plan.shards.length;
			expect(n).toBe(1);
			for (const name of [
				STEP.start,
				STEP.plan,
				...shards(STEP.collect, n),
				STEP.checkCollection,
				...shards(STEP.features, n),
				STEP.assemble,
				shardStep(STEP.fit, 0),
				STEP.fitFinal,
				STEP.evaluate,
				STEP.validate,
				...shards(STEP.publish, n),
				STEP.finalize,
			])
				expect(names).toContain(name);
			expect(steps.every((s) => s.status === "complete")).toBe(true);

			const row = await getRun(env.DB, "pl-mom-1");
			expect(row).toMatchObject({ status: "complete", promoted: true, serving_version: version, published: true });
			expect(await championVersion()).toBe(version);
			const model = await getModelVersion(env.DB, version);
			expect(model).toMatchObject({
				kind: "learned",
				status: "ready",
				trained_through: "2026-04-13",
				run_id: "pl-mom-1",
			});
			expect(await env.ARCHIVE.head(artifactKeys.model(version))).not.toBeNull();

			// Every candidate and every baseline is scored on both windows.
			const metrics = await getMetrics(env.DB, "pl-mom-1");
			const has = (subject: string, window: string, name: string) =>
				metrics.some((m) => m.subject === subject && m.window_name === window && m.name === name);
			for (const subject of [
				"learned",
				"baseline:hold",
				"baseline:trailing_mean_3/b0.1/s0.15",
				"baseline:momentum_7/0.1",
			])
				for (const window of ["selection", "validation"])
					for (const name of ["pooled_edge", "buy_edge", "sell_edge", "buy_decided", "signal_rate"])
						expect(has(subject, window, name), `${subject} ${window} ${name}`).toBe(true);
			expect(metrics.find((m) => m.subject === "gate" && m.name === "passed")?.value).toBe(1);

			// Every card is served as of the night, and its answer is recorded.
			expect(await count("serving_cards", "latest_date = '2026-04-20' AND run_id = 'pl-mom-1'")).toBe(CARDS);
			expect(await getServingState(env.DB)).toMatchObject({
				run_id: "pl-mom-1",
				data_as_of: "2026-04-20",
				epoch: "pl-mom-1",
			});
			expect(await count("track_record", "run_date = '2026-04-20' AND model_version = ?", version)).toBe(CARDS);
			expect(await count("serving_staged")).toBe(0);
			expect(await count("track_staged")).toBe(0);
		},
		RUN_TIMEOUT,
	);

	it("serves the forecast: probabilities, the expected price at the horizon, and signals that agree with them", async () => {
		const answer = await readJson(await postJson("/v1/fair-price", { card_id: CARD }), FairPrice);
		expect(answer).toMatchObject({ date: "2026-04-20", horizon_days: 7, move: 0.05, model_version: version });
		const { p_up, p_down } = answer as { p_up: number; p_down: number };
		expect(p_up).toBeGreaterThanOrEqual(0);
		expect(p_down).toBeGreaterThanOrEqual(0);
		expect(p_up + p_down).toBeLessThanOrEqual(1 + 1e-9);
		expect(answer.fair_price).toBeCloseTo(answer.market_price * (1 + 0.05 * (p_up - p_down)), 3);
		if (answer.signal === "BUY") expect(p_up).toBeGreaterThan(p_down);
		if (answer.signal === "SELL") expect(p_down).toBeGreaterThan(p_up);
		expect(answer.evidence.observations).toBe(110);

		const ranked = await readJson(await api("/v1/signals?limit=100"), SignalList);
		expect(ranked.data.length).toBeGreaterThan(0);
		const probabilities = ranked.data.map((i) => i.probability);
		expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
		for (const i of ranked.data) expect(i.probability).toBe(i.latest_signal === "BUY" ? i.p_up : i.p_down);
	});

	it(
		"the next night serves its newer data, reuses the folds it shares, and fills in the outcomes the prices now show",
		async () => {
			await using run = await runToEnd("pl-mom-2", { source, run_date: "2026-04-30", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "complete" });
			const cached = (await listSteps(env.DB, "pl-mom-2")).filter((s) => s.name.startsWith("fit #") && s.cached);
			expect(cached.length).toBeGreaterThan(0);
			expect(await getServingState(env.DB)).toMatchObject({ run_id: "pl-mom-2", data_as_of: "2026-04-30" });
			expect(await count("serving_cards", "latest_date = '2026-04-30'")).toBe(CARDS);

			// The 04-20 answers, judged by what the prices did by 04-27: exactly the first passages.
			const series = toSeries(ROWS);
			const expected = { up: 0, down: 0, none: 0 };
			for (const s of series) {
				const o = outcomeAt(s.dates, s.prices, s.dates.indexOf("2026-04-20"), { days: 7, move: 0.05 }, "2026-04-30");
				expected[o as keyof typeof expected]++;
			}
			const { results } = await env.DB.prepare(
				"SELECT outcome, COUNT(*) AS n FROM track_record WHERE run_date = '2026-04-20' GROUP BY outcome",
			).all<{ outcome: string; n: number }>();
			expect(Object.fromEntries(results.map((r) => [r.outcome, r.n]))).toEqual(
				Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)),
			);

			const page = await readJson(await api("/v1/track-record?from=2026-04-20&to=2026-04-20"), TrackRecordPage);
			const s = page.summary;
			expect(s).toMatchObject({ records: CARDS, resolved: CARDS, decided: expected.up + expected.down });
			expect(s.buy.base_rate).toBeCloseTo(expected.up / (expected.up + expected.down), 10);
			expect(s.buy.edge).toBeCloseTo((s.buy.precision ?? 0) - (s.buy.base_rate ?? 0), 10);
			expect(page.data).toHaveLength(CARDS);
			expect(page.data.every((i) => i.outcome !== null && i.model_version === version)).toBe(true);
		},
		RUN_TIMEOUT,
	);

	it(
		"a night older than what serves records its answers and leaves serving, and the champion, on the newer data",
		async () => {
			const champion = await championVersion();
			await using run = await runToEnd("pl-mom-old", { source, run_date: "2026-04-10", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "complete" });
			expect(await getRun(env.DB, "pl-mom-old")).toMatchObject({ published: false, promoted: false });
			expect(await getServingState(env.DB)).toMatchObject({
				run_id: "pl-mom-2",
				data_as_of: "2026-04-30",
				epoch: "pl-mom-old",
			});
			expect(await count("serving_cards", "latest_date = '2026-04-30'")).toBe(CARDS);
			expect(await championVersion()).toBe(champion);
			// Point in time: its answers are about days on or before its own date.
			expect(await count("track_record", "run_date = '2026-04-10' AND date <= '2026-04-10'")).toBe(CARDS);
		},
		RUN_TIMEOUT,
	);

	it(
		"a night replayed publishes the same answers, and its first track record is kept as published",
		async () => {
			const first = await env.DB.prepare(
				"SELECT run_id, signal, p_up FROM track_record WHERE run_date = '2026-04-20' AND card_id = ?",
			)
				.bind(CARD)
				.first();
			await using run = await runToEnd("pl-mom-again", { source, run_date: "2026-04-20", trigger: "cli", force: true });
			expect(run.output).toMatchObject({ version });
			expect(
				await env.DB.prepare(
					"SELECT run_id, signal, p_up FROM track_record WHERE run_date = '2026-04-20' AND card_id = ?",
				)
					.bind(CARD)
					.first(),
			).toEqual(first);
			// The replayed history of a card is the night's history, byte for byte in every field.
			const object = await env.ARCHIVE.get("serving/run=pl-mom-again/part-0000.ndjson");
			const replayed = (await object?.text())?.split("\n").find((l) => l.includes(`"${CARD}"`));
			const original = await env.ARCHIVE.get("serving/run=pl-mom-1/part-0000.ndjson");
			expect(replayed).toBe((await original?.text())?.split("\n").find((l) => l.includes(`"${CARD}"`)));
			expect(await servedLine("pl-mom-2", CARD)).toMatchObject({ card_id: CARD, model_version: expect.any(String) });
		},
		RUN_TIMEOUT,
	);
});

describe("data refresh is never hostage to the model", () => {
	it(
		"a night the gate rejects still publishes every card it saw, new ones included, with the champion's model",
		async () => {
			const champion = (await championVersion()) as string;
			const before = await count("serving_cards");
			// Three new cards with ten days of prices: too little history for any model to be validated.
			const fresh = [0, 1, 2].flatMap((k) =>
				momentumRows({ cards: 1, days: 10, start: "2026-04-26", seed: 100 + k, prefix: `new${k}` }),
			);
			const source = await uploadCsv(toCsv(fresh));
			await using run = await runToEnd("pl-refresh", { source, run_date: "2026-05-05", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "rejected", serving: champion });
			expect(await count("serving_cards")).toBe(before + 3);
			expect(
				await count(
					"serving_cards",
					"card_id LIKE 'new%' AND model_version = ? AND latest_date = '2026-05-05'",
					champion,
				),
			).toBe(3);
			// The cards the run did not see keep their data.
			expect(await count("serving_cards", "latest_date = '2026-04-30'")).toBe(CARDS);
			expect(await getServingState(env.DB)).toMatchObject({ run_id: "pl-refresh", data_as_of: "2026-05-05" });
			const answer = await readJson(await postJson("/v1/fair-price", { card_id: "new0-00" }), FairPrice);
			expect(answer).toMatchObject({ date: "2026-05-05", model_version: champion });
			expect(await championVersion()).toBe(champion);
		},
		RUN_TIMEOUT,
	);
});
