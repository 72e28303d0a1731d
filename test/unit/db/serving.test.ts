import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
	countServingCards,
	dropStaged,
	getServingCard,
	getServingState,
	listCatalogue,
	listServingCardIds,
	publishStaged,
	type ServingCard,
	type ServingState,
	setServingState,
	stageServingCards,
	topServingSignals,
} from "../../../src/db/serving";
import { stageTrackRecords, type TrackRecord } from "../../../src/db/track-record";
import { resetModels } from "../../helpers/model";
import { servingCard as card } from "../../helpers/serving";

/** Stages cards and publishes their run, as a run's publish steps and finalize step do. */
async function publish(...cards: ServingCard[]) {
	await env.DB.batch(stageServingCards(env.DB, cards));
	const runs = new Set(cards.map((c) => c.run_id));
	for (const run of runs) await env.DB.batch(publishStaged(env.DB, run));
}

const staged = async (runId: string) =>
	(
		await env.DB.prepare("SELECT card_id FROM serving_staged WHERE run_id = ? ORDER BY card_id")
			.bind(runId)
			.all<{ card_id: string }>()
	).results.map((r) => r.card_id);

const served = async (cardId: string) => {
	const row = await getServingCard(env.DB, cardId);
	return row && { run_id: row.run_id, latest_date: row.latest_date, run_date: row.run_date };
};

beforeEach(resetModels);

describe("stageServingCards / publishStaged", () => {
	it("moves a run's staged cards into serving, exactly as staged, and empties its stage", async () => {
		const a = card("c-a", "run-1", { signal: "BUY", strength: 0.7, p_up: 0.7, deviation_pct: null, reason: null });
		await env.DB.batch(stageServingCards(env.DB, [a, card("c-b", "run-1")]));
		expect(await staged("run-1")).toEqual(["c-a", "c-b"]);
		expect(await getServingCard(env.DB, "c-a")).toBeNull();
		await env.DB.batch(publishStaged(env.DB, "run-1"));
		expect(await getServingCard(env.DB, "c-a")).toEqual(a);
		expect(await staged("run-1")).toEqual([]);
		expect(await countServingCards(env.DB)).toBe(2);
	});

	it("keeps the last staging of a card within one run", async () => {
		await env.DB.batch(stageServingCards(env.DB, [card("c-a", "run-1", { market_price: 10 })]));
		await env.DB.batch(stageServingCards(env.DB, [card("c-a", "run-1", { market_price: 12.5 })]));
		await env.DB.batch(publishStaged(env.DB, "run-1"));
		expect((await getServingCard(env.DB, "c-a"))?.market_price).toBe(12.5);
	});

	it("stages more cards than one statement can bind", async () => {
		const cards = Array.from({ length: 11 }, (_, i) => card(`c-${String(i).padStart(2, "0")}`, "run-big"));
		// 21 columns a row: four rows fit under D1's 100 bound parameters, so 11 rows take 3 statements.
		const statements = stageServingCards(env.DB, cards);
		expect(statements).toHaveLength(3);
		await env.DB.batch(statements);
		expect(await staged("run-big")).toEqual(cards.map((c) => c.card_id));
	});

	it("replaces a served card only with a later day, or the same day from a run dated the same or later", async () => {
		await publish(card("c-a", "run-10", { latest_date: "2026-05-08", run_date: "2026-05-10" }));
		// An older day never replaces a newer one.
		await publish(card("c-a", "run-old", { latest_date: "2026-05-07", run_date: "2026-05-11" }));
		expect(await served("c-a")).toEqual({ run_id: "run-10", latest_date: "2026-05-08", run_date: "2026-05-10" });
		// The same day from an earlier-dated run does not either.
		await publish(card("c-a", "run-09", { latest_date: "2026-05-08", run_date: "2026-05-09" }));
		expect((await served("c-a"))?.run_id).toBe("run-10");
		// The same day from a run of the same date does (a re-run with another model).
		await publish(card("c-a", "run-10b", { latest_date: "2026-05-08", run_date: "2026-05-10" }));
		expect((await served("c-a"))?.run_id).toBe("run-10b");
		// A later day does, whatever the run's date.
		await publish(card("c-a", "run-late", { latest_date: "2026-05-09", run_date: "2026-05-09" }));
		expect(await served("c-a")).toEqual({ run_id: "run-late", latest_date: "2026-05-09", run_date: "2026-05-09" });
		// Refused rows leave the stage all the same.
		expect(await staged("run-old")).toEqual([]);
		expect(await staged("run-09")).toEqual([]);
	});

	it("leaves the cards a partial run did not stage as they were", async () => {
		await publish(card("c-a", "run-1"), card("c-b", "run-1"));
		await publish(card("c-a", "run-2", { latest_date: "2026-05-11" }));
		expect((await served("c-a"))?.run_id).toBe("run-2");
		expect(await served("c-b")).toEqual({ run_id: "run-1", latest_date: "2026-05-10", run_date: "2026-05-10" });
	});

	it("touches no other run's staged rows", async () => {
		await env.DB.batch([
			...stageServingCards(env.DB, [card("c-a", "run-1"), card("c-a", "run-2", { latest_date: "2026-05-11" })]),
		]);
		await env.DB.batch(publishStaged(env.DB, "run-1"));
		expect(await staged("run-2")).toEqual(["c-a"]);
		expect((await served("c-a"))?.run_id).toBe("run-1");
	});
});

describe("dropStaged", () => {
	const record = (run_id: string): TrackRecord => ({
		run_date: "2026-05-10",
		card_id: "c-a",
		date: "2026-05-10",
		market_price: 10,
		fair_price: 11,
		signal: "BUY",
		p_up: 0.7,
		p_down: 0.1,
		model_version: "v-1",
		run_id,
		horizon_days: 7,
		move: 0.05,
		outcome: null,
		outcome_date: null,
	});

	it("deletes a failed run's staged cards and answers, publishing nothing, and only that run's", async () => {
		await env.DB.batch([
			...stageServingCards(env.DB, [card("c-a", "run-bad"), card("c-b", "run-bad"), card("c-a", "run-ok")]),
			...stageTrackRecords(env.DB, [record("run-bad"), record("run-ok")]),
		]);
		await env.DB.batch(dropStaged(env.DB, "run-bad"));
		expect(await staged("run-bad")).toEqual([]);
		expect(await staged("run-ok")).toEqual(["c-a"]);
		const tracks = await env.DB.prepare("SELECT run_id FROM track_staged ORDER BY run_id").all<{ run_id: string }>();
		expect(tracks.results).toEqual([{ run_id: "run-ok" }]);
		expect(await countServingCards(env.DB)).toBe(0);
	});
});

describe("reading served cards", () => {
	beforeEach(async () => {
		await publish(
			card("c-a", "run-1", { signal: "BUY", strength: 0.6 }),
			card("c-b", "run-1", { signal: "SELL", strength: 0.9 }),
			card("c-c", "run-1", { signal: "BUY", strength: 0.8 }),
			card("c-d", "run-1", { signal: "HOLD", strength: 0 }),
			card("c-e", "run-1", { signal: "BUY", strength: 0.6 }),
		);
	});

	it("answers one card, or null", async () => {
		expect((await getServingCard(env.DB, "c-b"))?.signal).toBe("SELL");
		expect(await getServingCard(env.DB, "c-zz")).toBeNull();
	});

	it("pages by card id strictly after the cursor", async () => {
		const page = async (after: string | null) =>
			(await listCatalogue(env.DB, {}, "card_id", after ? { value: null, card_id: after } : null, 2)).map(
				(c) => c.card_id,
			);
		expect(await page(null)).toEqual(["c-a", "c-b"]);
		expect(await page("c-b")).toEqual(["c-c", "c-d"]);
		expect(await page("c-d")).toEqual(["c-e"]);
		expect(await page("c-e")).toEqual([]);
	});

	it("lists and counts every served card", async () => {
		expect(await listServingCardIds(env.DB)).toEqual(["c-a", "c-b", "c-c", "c-d", "c-e"]);
		expect(await countServingCards(env.DB)).toBe(5);
	});

	it("ranks signals by strength, then card id", async () => {
		expect((await topServingSignals(env.DB, ["BUY"], 10)).map((c) => c.card_id)).toEqual(["c-c", "c-a", "c-e"]);
		expect((await topServingSignals(env.DB, ["BUY", "SELL"], 3)).map((c) => c.card_id)).toEqual(["c-b", "c-c", "c-a"]);
		expect((await topServingSignals(env.DB, ["HOLD"], 10)).map((c) => c.card_id)).toEqual(["c-d"]);
	});
});

describe("getServingState / setServingState", () => {
	const state = (run_id: string, data_as_of: string, run_date: string, model_version = "v-1") => ({
		run_id,
		run_date,
		data_as_of,
		model_version,
		published_at: `${run_date}T04:00:00.000Z`,
	});

	/** What the state says, without published_at. */
	const current = async (): Promise<Omit<ServingState, "published_at"> | null> => {
		const s = await getServingState(env.DB);
		if (!s) return null;
		const { published_at: _at, ...rest } = s;
		return rest;
	};

	it("is null before any run published, then names the first run", async () => {
		expect(await getServingState(env.DB)).toBeNull();
		await setServingState(env.DB, state("run-1", "2026-05-09", "2026-05-10")).run();
		expect(await getServingState(env.DB)).toEqual({
			run_id: "run-1",
			run_date: "2026-05-10",
			data_as_of: "2026-05-09",
			model_version: "v-1",
			published_at: "2026-05-10T04:00:00.000Z",
			epoch: "run-1",
		});
	});

	it("moves to a run with newer data", async () => {
		await setServingState(env.DB, state("run-1", "2026-05-09", "2026-05-10")).run();
		await setServingState(env.DB, state("run-2", "2026-05-10", "2026-05-10", "v-2")).run();
		expect(await current()).toEqual({
			run_id: "run-2",
			run_date: "2026-05-10",
			data_as_of: "2026-05-10",
			model_version: "v-2",
			epoch: "run-2",
		});
	});

	it("keeps the run with newer data when an older one publishes, but moves the epoch", async () => {
		await setServingState(env.DB, state("run-new", "2026-05-10", "2026-05-10")).run();
		await setServingState(env.DB, state("run-old", "2026-05-08", "2026-05-11", "v-2")).run();
		expect(await current()).toEqual({
			run_id: "run-new",
			run_date: "2026-05-10",
			data_as_of: "2026-05-10",
			model_version: "v-1",
			epoch: "run-old",
		});
	});

	it("on equal data, moves to a run dated the same or later, not earlier", async () => {
		await setServingState(env.DB, state("run-11", "2026-05-10", "2026-05-11")).run();
		await setServingState(env.DB, state("run-10", "2026-05-10", "2026-05-10", "v-2")).run();
		expect(await current()).toMatchObject({
			run_id: "run-11",
			run_date: "2026-05-11",
			model_version: "v-1",
			epoch: "run-10",
		});
		await setServingState(env.DB, state("run-11b", "2026-05-10", "2026-05-11", "v-3")).run();
		expect(await current()).toEqual({
			run_id: "run-11b",
			run_date: "2026-05-11",
			data_as_of: "2026-05-10",
			model_version: "v-3",
			epoch: "run-11b",
		});
	});
});

describe("publishStaged records the signal changes it publishes", () => {
	const changes = async (runId: string) =>
		(
			await env.DB.prepare(
				"SELECT card_id, previous_signal, signal, p_up FROM signal_changes WHERE run_id = ? ORDER BY card_id",
			)
				.bind(runId)
				.all()
		).results;

	it("new cards change from none; a changed signal that replaces the served one counts; the rest do not", async () => {
		await env.DB.batch(
			stageServingCards(env.DB, [
				card("sc-a", "chg-1", { signal: "HOLD" }),
				card("sc-b", "chg-1", { signal: "BUY", p_up: 0.8 }),
			]),
		);
		await env.DB.batch(publishStaged(env.DB, "chg-1"));
		expect(await changes("chg-1")).toEqual([
			{ card_id: "sc-a", previous_signal: null, signal: "HOLD", p_up: 0.4 },
			{ card_id: "sc-b", previous_signal: null, signal: "BUY", p_up: 0.8 },
		]);

		// A later night: sc-a turns BUY, sc-b stays BUY; an older night's SELL for sc-b replaces nothing.
		await env.DB.batch(
			stageServingCards(env.DB, [
				card("sc-a", "chg-2", { signal: "BUY", p_up: 0.75, latest_date: "2026-05-11" }),
				card("sc-b", "chg-2", { signal: "BUY", p_up: 0.9, latest_date: "2026-05-11" }),
			]),
		);
		await env.DB.batch(publishStaged(env.DB, "chg-2"));
		expect(await changes("chg-2")).toEqual([{ card_id: "sc-a", previous_signal: "HOLD", signal: "BUY", p_up: 0.75 }]);

		await env.DB.batch(
			stageServingCards(env.DB, [card("sc-b", "chg-old", { signal: "SELL", latest_date: "2026-05-01" })]),
		);
		await env.DB.batch(publishStaged(env.DB, "chg-old"));
		expect(await changes("chg-old")).toEqual([]);
		expect((await getServingCard(env.DB, "sc-b"))?.signal).toBe("BUY");
	});
});
