import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
	countTrackRecords,
	listTrackRecords,
	openRecords,
	recordStaged,
	resolveRecords,
	stageTrackRecords,
	type TrackRecord,
} from "../../../src/db/track-record";
import type { Outcome } from "../../../src/model/first-passage";
import type { Signal } from "../../../src/model/signal";
import { resetModels } from "../../helpers/model";

/** A published answer about the run's own date. */
const answer = (run_date: string, card_id: string, signal: Signal, run_id = `run-${run_date}`): TrackRecord => ({
	run_date,
	card_id,
	date: run_date,
	market_price: 10,
	fair_price: signal === "BUY" ? 12 : signal === "SELL" ? 8 : 10,
	signal,
	p_up: 0.6,
	p_down: 0.2,
	model_version: "v-1",
	run_id,
	horizon_days: 7,
	move: 0.05,
	outcome: null,
	outcome_date: null,
});

/** Stages answers and records their runs, as the finalize step does. */
async function record(...answers: TrackRecord[]) {
	await env.DB.batch(stageTrackRecords(env.DB, answers));
	for (const run of new Set(answers.map((a) => a.run_id))) await env.DB.batch(recordStaged(env.DB, run));
}

/**
 * Eight answers over three nights and the outcome each met (null: still open):
 *   05-01  c-a BUY up     c-b SELL down   c-c HOLD none
 *   05-02  c-a BUY down   c-b SELL open   c-c HOLD up
 *   05-03  c-a SELL up    c-b BUY none
 */
const NIGHTS: [string, string, Signal, Outcome | null][] = [
	["2026-05-01", "c-a", "BUY", "up"],
	["2026-05-01", "c-b", "SELL", "down"],
	["2026-05-01", "c-c", "HOLD", "none"],
	["2026-05-02", "c-a", "BUY", "down"],
	["2026-05-02", "c-b", "SELL", null],
	["2026-05-02", "c-c", "HOLD", "up"],
	["2026-05-03", "c-a", "SELL", "up"],
	["2026-05-03", "c-b", "BUY", "none"],
];

async function recordNights() {
	await record(...NIGHTS.map(([date, card, signal]) => answer(date, card, signal)));
	await env.DB.batch(
		resolveRecords(
			env.DB,
			NIGHTS.filter(([, , , outcome]) => outcome !== null).map(([run_date, card_id, , outcome]) => ({
				run_date,
				card_id,
				outcome: outcome as Outcome,
				outcome_date: "2026-05-09",
			})),
		),
	);
}

const keys = (records: readonly TrackRecord[]) => records.map((r) => `${r.run_date} ${r.card_id}`);

beforeEach(resetModels);

describe("stageTrackRecords / recordStaged", () => {
	it("records a run's staged answers with no outcome yet, and empties its stage", async () => {
		await env.DB.batch(stageTrackRecords(env.DB, [answer("2026-05-01", "c-a", "BUY")]));
		expect(await listTrackRecords(env.DB, {}, { limit: 10 })).toEqual([]);
		await env.DB.batch(recordStaged(env.DB, "run-2026-05-01"));
		expect(await listTrackRecords(env.DB, {}, { limit: 10 })).toEqual([answer("2026-05-01", "c-a", "BUY")]);
		const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM track_staged").first<{ n: number }>();
		expect(left?.n).toBe(0);
	});

	it("never rewrites an answer already recorded for the same night and card", async () => {
		await record(answer("2026-05-01", "c-a", "BUY", "run-first"));
		await env.DB.batch(
			resolveRecords(env.DB, [{ run_date: "2026-05-01", card_id: "c-a", outcome: "up", outcome_date: "2026-05-04" }]),
		);
		// A later run for the same night, with another model's answer, and a card the first run did not have.
		await record(
			{ ...answer("2026-05-01", "c-a", "SELL", "run-again"), model_version: "v-2" },
			answer("2026-05-01", "c-z", "HOLD", "run-again"),
		);
		const [a, z] = await listTrackRecords(env.DB, {}, { limit: 10 });
		expect(a).toMatchObject({
			card_id: "c-a",
			signal: "BUY",
			run_id: "run-first",
			model_version: "v-1",
			outcome: "up",
			outcome_date: "2026-05-04",
		});
		expect(z).toMatchObject({ card_id: "c-z", run_id: "run-again" });
	});
});

describe("openRecords / resolveRecords", () => {
	it("finds unresolved answers of a card range about days before a date", async () => {
		await record(
			answer("2026-05-01", "c-a", "BUY"),
			answer("2026-05-01", "c-b", "SELL"),
			answer("2026-05-01", "c-c", "HOLD"),
			answer("2026-05-02", "c-a", "BUY"),
			answer("2026-05-03", "c-b", "BUY"),
		);
		await env.DB.batch(
			resolveRecords(env.DB, [{ run_date: "2026-05-01", card_id: "c-a", outcome: "up", outcome_date: "2026-05-02" }]),
		);
		const open = await openRecords(env.DB, { first: "c-a", last: "c-b" }, "2026-05-03");
		expect(open.map((r) => `${r.run_date} ${r.card_id}`).sort()).toEqual(["2026-05-01 c-b", "2026-05-02 c-a"]);
		expect(open[0]).toEqual({
			run_date: expect.any(String),
			card_id: expect.any(String),
			date: expect.any(String),
			market_price: 10,
			horizon_days: 7,
			move: 0.05,
		});
	});

	it("fills an outcome only where none is recorded", async () => {
		await record(answer("2026-05-01", "c-a", "BUY"));
		const resolve = (outcome: Outcome, outcome_date: string) =>
			env.DB.batch(resolveRecords(env.DB, [{ run_date: "2026-05-01", card_id: "c-a", outcome, outcome_date }]));
		expect((await resolve("down", "2026-05-03"))[0]?.meta.changes).toBe(1);
		expect((await resolve("up", "2026-05-05"))[0]?.meta.changes).toBe(0);
		expect((await listTrackRecords(env.DB, {}, { limit: 1 }))[0]).toMatchObject({
			outcome: "down",
			outcome_date: "2026-05-03",
		});
		expect(await openRecords(env.DB, { first: "a", last: "z" }, "2026-12-31")).toEqual([]);
	});
});

describe("listTrackRecords", () => {
	beforeEach(recordNights);

	it("lists the newest night first, then by card, paging after the cursor", async () => {
		const first = await listTrackRecords(env.DB, {}, { limit: 3 });
		expect(keys(first)).toEqual(["2026-05-03 c-a", "2026-05-03 c-b", "2026-05-02 c-a"]);
		const next = await listTrackRecords(env.DB, {}, { limit: 3, after: { run_date: "2026-05-02", card_id: "c-a" } });
		expect(keys(next)).toEqual(["2026-05-02 c-b", "2026-05-02 c-c", "2026-05-01 c-a"]);
		const last = await listTrackRecords(env.DB, {}, { limit: 3, after: { run_date: "2026-05-01", card_id: "c-a" } });
		expect(keys(last)).toEqual(["2026-05-01 c-b", "2026-05-01 c-c"]);
	});

	it("filters by night range, card and signal", async () => {
		expect(keys(await listTrackRecords(env.DB, { signal: "BUY" }, { limit: 10 }))).toEqual([
			"2026-05-03 c-b",
			"2026-05-02 c-a",
			"2026-05-01 c-a",
		]);
		expect(keys(await listTrackRecords(env.DB, { card_id: "c-b", from: "2026-05-02" }, { limit: 10 }))).toEqual([
			"2026-05-03 c-b",
			"2026-05-02 c-b",
		]);
		expect(keys(await listTrackRecords(env.DB, { to: "2026-05-01" }, { limit: 10 }))).toEqual([
			"2026-05-01 c-a",
			"2026-05-01 c-b",
			"2026-05-01 c-c",
		]);
		const sells = await listTrackRecords(
			env.DB,
			{ signal: "SELL", from: "2026-05-01", to: "2026-05-03" },
			{ limit: 10, after: { run_date: "2026-05-03", card_id: "c-a" } },
		);
		expect(keys(sells)).toEqual(["2026-05-02 c-b", "2026-05-01 c-b"]);
		expect(sells[0]).toMatchObject({ outcome: null, outcome_date: null });
		expect(sells[1]).toMatchObject({ outcome: "down", outcome_date: "2026-05-09" });
	});
});

describe("countTrackRecords", () => {
	beforeEach(recordNights);

	it("counts every record of the filter, by side (hand-computed from NIGHTS)", async () => {
		expect(await countTrackRecords(env.DB, {})).toEqual({
			records: 8,
			resolved: 7,
			decided: 5,
			up: 3,
			buy: 3,
			buy_decided: 2,
			buy_right: 1,
			sell: 3,
			sell_decided: 2,
			sell_right: 1,
		});
	});

	it("counts within a card or a night range", async () => {
		expect(await countTrackRecords(env.DB, { card_id: "c-a" })).toEqual({
			records: 3,
			resolved: 3,
			decided: 3,
			up: 2,
			buy: 2,
			buy_decided: 2,
			buy_right: 1,
			sell: 1,
			sell_decided: 1,
			sell_right: 0,
		});
		expect(await countTrackRecords(env.DB, { from: "2026-05-02", to: "2026-05-02" })).toEqual({
			records: 3,
			resolved: 2,
			decided: 2,
			up: 1,
			buy: 1,
			buy_decided: 1,
			buy_right: 0,
			sell: 1,
			sell_decided: 0,
			sell_right: 0,
		});
	});

	it("answers zeros when nothing matches", async () => {
		expect(Object.values(await countTrackRecords(env.DB, { from: "2027-01-01" }))).toEqual(new Array(10).fill(0));
	});
});
