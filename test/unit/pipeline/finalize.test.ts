import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getChampion, registerVersion } from "../../../src/db/models";
import { getRun, insertRun, markRunning } from "../../../src/db/runs";
import { getServingState, stageServingCards } from "../../../src/db/serving";
import { stageTrackRecords } from "../../../src/db/track-record";
import { finalizeRun } from "../../../src/pipeline/steps/finalize";
import { SPEC } from "../../helpers/model";
import { servingCard } from "../../helpers/serving";

const AT = "2026-06-02T03:00:00.000Z";

const card = (card_id: string, run_id: string) =>
	servingCard(card_id, run_id, { latest_date: "2026-06-02", signal: "BUY", model_version: "rule-fin", updated_at: AT });

/** A running run of its own date with one staged card and one staged record, and a ready rule version. */
async function stagedRun(id: string): Promise<void> {
	await insertRun(env.DB, {
		id,
		run_date: "2026-06-02",
		source: "sample",
		code_version: `v-${id}`,
		trigger: "api",
		force: false,
		created_at: AT,
	}).run();
	await markRunning(env.DB, id, AT, null).run();
	await env.DB.batch([
		...stageServingCards(env.DB, [card("fin-card", id)]),
		...stageTrackRecords(env.DB, [
			{
				run_date: "2026-06-02",
				card_id: "fin-card",
				date: "2026-06-02",
				market_price: 10,
				fair_price: 10.5,
				signal: "BUY",
				p_up: null,
				p_down: null,
				model_version: "rule-fin",
				run_id: id,
				horizon_days: 7,
				move: 0.05,
				outcome: null,
				outcome_date: null,
			},
		]),
		registerVersion(env.DB, {
			version: "rule-fin",
			kind: "rule",
			estimator: SPEC.rule,
			params: SPEC,
			artifact_key: null,
			trained_through: null,
			row_count: 1,
			data_from: "2026-05-01",
			data_as_of: "2026-06-02",
			source: "sample",
			created_at: AT,
			run_id: id,
			figures: null,
		}),
	]);
}

const INPUT = {
	run_date: "2026-06-02",
	data_as_of: "2026-06-02",
	serving_version: "rule-fin",
	passed: true,
	promote: true,
	expected: null,
	older: false,
	reason: null,
};

const rows = async (table: string) =>
	(await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;

beforeEach(async () => {
	await env.DB.batch(
		[
			"serving_cards",
			"serving_staged",
			"serving_state",
			"track_record",
			"track_staged",
			"alias_events",
			"model_aliases",
			"model_versions",
			"pipeline_runs",
		].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
	);
});

describe("finalizeRun", () => {
	it("publishes what the run staged, records its answers and promotes, in one go", async () => {
		await stagedRun("fin-live");
		expect(await finalizeRun(env.DB, "fin-live", INPUT)).toMatchObject({ status: "complete", promoted: true });
		expect(await rows("serving_cards")).toBe(1);
		expect(await rows("track_record")).toBe(1);
		expect(await rows("serving_staged")).toBe(0);
		expect((await getChampion(env.DB))?.version).toBe("rule-fin");
		expect(await getServingState(env.DB)).toMatchObject({ run_id: "fin-live", data_as_of: "2026-06-02" });
	});

	it("changes nothing that serves for a run failed meanwhile (a retried finalize after the liveness check)", async () => {
		await stagedRun("fin-dead");
		// Failed by a reader that found it silent; its staged rows are still there in this test.
		await env.DB.prepare("UPDATE pipeline_runs SET status = 'failed', ended_at = ?2 WHERE id = ?1")
			.bind("fin-dead", AT)
			.run();
		await finalizeRun(env.DB, "fin-dead", INPUT);
		expect(await rows("serving_cards")).toBe(0);
		expect(await rows("track_record")).toBe(0);
		expect(await rows("alias_events")).toBe(0);
		expect(await getChampion(env.DB)).toBeNull();
		expect(await getServingState(env.DB)).toBeNull();
		expect(await getRun(env.DB, "fin-dead")).toMatchObject({ status: "failed", promoted: false });
	});
});
