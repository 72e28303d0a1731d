import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { STEP } from "../../src/pipeline/step-names";
import { notifySubscribers } from "../../src/pipeline/steps/notify";
import { count, momentumRows, RUN_TIMEOUT, resetPipeline, runToEnd, toCsv, uploadCsv } from "../helpers/pipeline";
import { deliveries, eventually, received, resetWebhooks, subscribe } from "../helpers/webhooks";

type Served = { card_id: string; set_name: string; signal: string; p_up: number | null; p_down: number | null };
type EventCard = { card_id: string; previous_signal: string | null; signal: string; probability: number | null };
type ChangedEvent = { type: string; data: { run_id: string; total: number; truncated: boolean; cards: EventCard[] } };

const served = async () =>
	new Map(
		(
			await env.DB.prepare(
				"SELECT card_id, set_name, signal, p_up, p_down FROM serving_cards ORDER BY card_id",
			).all<Served>()
		).results.map((r) => [r.card_id, r]),
	);

/** The events hook `name` received, parsed, after checking every one verified. */
async function events(name: string): Promise<ChangedEvent[]> {
	const got = await received(name);
	expect(got.every((r) => r.verified)).toBe(true);
	return got.map((r) => JSON.parse(r.body) as ChangedEvent);
}

describe("a nightly run notifies subscribers of the cards whose signal changed", () => {
	let source: string;
	const hooks: Record<string, { id: string }> = {};
	let before: Map<string, Served>;
	let after: Map<string, Served>;

	beforeAll(async () => {
		await resetPipeline();
		await resetWebhooks();
		await env.DB.prepare("DELETE FROM serving_cards").run();
		source = await uploadCsv(toCsv(momentumRows()));
	}, RUN_TIMEOUT);

	it(
		"the first run serves every card (each a change from none) and, with no subscription yet, sends nothing",
		async () => {
			await using run = await runToEnd("wh-run-1", { source, run_date: "2026-04-20", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "complete" });
			expect(await count("signal_changes", "run_id = ? AND previous_signal IS NULL", "wh-run-1")).toBe(24);
			expect(await run.instance.waitForStepResult({ name: STEP.notify })).toEqual({
				changed: 24,
				events: 0,
				enqueued: 0,
			});
			expect(await count("webhook_deliveries")).toBe(0);
		},
		RUN_TIMEOUT,
	);

	it(
		"the next night: one signed event per subscription, with exactly the changed cards its filter selects",
		async () => {
			before = await served();
			hooks.all = await subscribe("pl-all", { all: true, signals: ["BUY", "SELL", "HOLD"] });
			hooks.cards = await subscribe("pl-cards", {
				card_ids: ["mom-00", "mom-05", "mom-10", "mom-15"],
				signals: ["BUY", "SELL", "HOLD"],
			});
			hooks.set = await subscribe("pl-set", { set: "Set 1", signals: ["BUY", "SELL"] });
			hooks.sure = await subscribe("pl-sure", { all: true, signals: ["BUY", "SELL"], min_probability: 0.6 });
			hooks.quiet = await subscribe("pl-quiet", { card_ids: ["mom-02", "mom-08"], signals: ["BUY", "SELL", "HOLD"] });

			await using run = await runToEnd("wh-run-2", { source, run_date: "2026-04-30", trigger: "cli" });
			expect(run.output).toMatchObject({ status: "complete" });
			after = await served();
			// Worked out here from serving itself, before and after the run.
			const changed = [...after.values()].filter((c) => before.get(c.card_id)?.signal !== c.signal);
			expect(changed.length).toBeGreaterThan(0);
			const expected: Record<string, Served[]> = {
				all: changed,
				cards: changed.filter((c) => ["mom-00", "mom-05", "mom-10", "mom-15"].includes(c.card_id)),
				set: changed.filter((c) => c.set_name === "Set 1" && c.signal !== "HOLD"),
				sure: changed.filter(
					(c) => (c.signal === "BUY" && (c.p_up ?? 0) >= 0.6) || (c.signal === "SELL" && (c.p_down ?? 0) >= 0.6),
				),
				quiet: changed.filter((c) => ["mom-02", "mom-08"].includes(c.card_id)),
			};
			// The quiet hook names two cards whose signal this night keeps (the data is seeded): no event.
			expect(changed.map((c) => c.card_id)).not.toContain("mom-02");
			expect(changed.map((c) => c.card_id)).not.toContain("mom-08");
			for (const [name, cards] of Object.entries(expected)) {
				const hook = `pl-${name}`;
				if (name === "quiet") {
					expect(cards).toHaveLength(0);
					// Every other hook has had its event by now; give this one a moment more.
					await new Promise((r) => setTimeout(r, 1500));
					expect(await received(hook)).toHaveLength(0);
					continue;
				}
				expect(cards.length, name).toBeGreaterThan(0);
				const [event, ...more] = await eventually(async () => {
					const got = await events(hook);
					expect(got, name).toHaveLength(1);
					return got;
				});
				expect(more).toHaveLength(0);
				expect(event?.type).toBe("signals.changed");
				expect(event?.data).toMatchObject({ run_id: "wh-run-2", total: cards.length, truncated: false });
				expect(
					event?.data.cards.map((c) => c.card_id),
					name,
				).toEqual(cards.map((c) => c.card_id));
				for (const c of event?.data.cards ?? []) {
					expect(c.previous_signal).toBe(before.get(c.card_id)?.signal);
					expect(c.signal).toBe(after.get(c.card_id)?.signal);
				}
				const [d] = await deliveries((hooks[name] as { id: string }).id);
				expect(d).toMatchObject({ run_id: "wh-run-2", type: "signals.changed" });
			}
			expect(await count("webhook_deliveries", "run_id = ?", "wh-run-2")).toBe(
				Object.values(expected).filter((c) => c.length > 0).length,
			);
		},
		RUN_TIMEOUT,
	);

	it("a repeated notify makes no second event and sends nothing again", async () => {
		const deliveriesBefore = await count("webhook_deliveries");
		const out = await notifySubscribers(env, { run_id: "wh-run-2", run_date: "2026-04-30", data_as_of: "2026-04-30" });
		expect(out.enqueued).toBe(0);
		expect(await count("webhook_deliveries")).toBe(deliveriesBefore);
		await new Promise((r) => setTimeout(r, 1500));
		expect(await received("pl-all")).toHaveLength(1);
	});

	it(
		"a replayed older night changes no served signal and notifies nobody",
		async () => {
			const deliveriesBefore = await count("webhook_deliveries");
			await using run = await runToEnd("wh-run-old", { source, run_date: "2026-04-10", trigger: "cli" });
			expect(run.output).toMatchObject({ status: expect.stringMatching(/complete|rejected/) });
			expect(await served()).toEqual(after);
			expect(await count("signal_changes", "run_id = ?", "wh-run-old")).toBe(0);
			expect(await run.instance.waitForStepResult({ name: STEP.notify })).toEqual({
				changed: 0,
				events: 0,
				enqueued: 0,
			});
			expect(await count("webhook_deliveries")).toBe(deliveriesBefore);
		},
		RUN_TIMEOUT,
	);
});
