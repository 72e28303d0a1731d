import { describe, expect, it } from "vitest";
import type { SignalChange, SubscriptionFilter } from "../../../src/db/webhooks";
import { changedEvent, MAX_EVENT_CARDS, matches, randomEventId, runEventId } from "../../../src/webhooks/events";

const change = (card_id: string, overrides: Partial<SignalChange> = {}): SignalChange => ({
	run_id: "run-1",
	card_id,
	name: `Card ${card_id}`,
	set_name: "Set A",
	previous_signal: "HOLD",
	signal: "BUY",
	latest_date: "2026-04-30",
	market_price: 10,
	fair_price: 11,
	deviation_pct: -0.09,
	p_up: 0.7,
	p_down: 0.1,
	model_version: "v1",
	...overrides,
});

const sub = (overrides: Partial<SubscriptionFilter> = {}): SubscriptionFilter => ({
	filter: "all",
	card_ids: null,
	set_name: null,
	signals: ["BUY", "SELL", "HOLD"],
	min_probability: null,
	...overrides,
});

describe("which changes a subscription gets", () => {
	it("by card, by set, or all", () => {
		expect(matches(sub({ filter: "cards", card_ids: ["a"] }), change("a"))).toBe(true);
		expect(matches(sub({ filter: "cards", card_ids: ["a"] }), change("b"))).toBe(false);
		expect(matches(sub({ filter: "set", set_name: "Set A" }), change("a"))).toBe(true);
		expect(matches(sub({ filter: "set", set_name: "Set B" }), change("a"))).toBe(false);
		expect(matches(sub(), change("z"))).toBe(true);
	});

	it("by the new signal", () => {
		expect(matches(sub({ signals: ["SELL"] }), change("a"))).toBe(false);
		expect(matches(sub({ signals: ["SELL"] }), change("a", { signal: "SELL" }))).toBe(true);
	});

	it("with min_probability: a BUY by p_up, a SELL by p_down, no probability fails, HOLD passes", () => {
		const s = sub({ min_probability: 0.6 });
		expect(matches(s, change("a", { p_up: 0.6 }))).toBe(true);
		expect(matches(s, change("a", { p_up: 0.59 }))).toBe(false);
		expect(matches(s, change("a", { signal: "SELL", p_up: 0.9, p_down: 0.5 }))).toBe(false);
		expect(matches(s, change("a", { signal: "SELL", p_down: 0.65 }))).toBe(true);
		expect(matches(s, change("a", { p_up: null, p_down: null }))).toBe(false);
		expect(matches(s, change("a", { signal: "HOLD", p_up: 0.1 }))).toBe(true);
	});
});

describe("the signals.changed event", () => {
	it("lists each card with its answer, previous signal and probability", () => {
		const body = JSON.parse(
			changedEvent(
				"wh_1",
				{ run_id: "run-1", run_date: "2026-04-30", data_as_of: "2026-04-29" },
				[change("a"), change("b", { previous_signal: null, signal: "SELL", p_down: 0.8 })],
				new Date("2026-04-30T03:00:00Z"),
			),
		);
		expect(body).toEqual({
			type: "signals.changed",
			timestamp: "2026-04-30T03:00:00.000Z",
			data: {
				subscription_id: "wh_1",
				run_id: "run-1",
				run_date: "2026-04-30",
				data_as_of: "2026-04-29",
				total: 2,
				truncated: false,
				cards: [
					expect.objectContaining({
						card_id: "a",
						previous_signal: "HOLD",
						signal: "BUY",
						probability: 0.7,
						set: "Set A",
					}),
					expect.objectContaining({ card_id: "b", previous_signal: null, signal: "SELL", probability: 0.8 }),
				],
			},
		});
	});

	it("lists at most MAX_EVENT_CARDS cards and says it left some out", () => {
		const cards = Array.from({ length: MAX_EVENT_CARDS + 5 }, (_, i) => change(`c-${i}`));
		const body = JSON.parse(changedEvent("wh_1", { run_id: "r", run_date: "d", data_as_of: "d" }, cards, new Date()));
		expect(body.data).toMatchObject({ total: MAX_EVENT_CARDS + 5, truncated: true });
		expect(body.data.cards).toHaveLength(MAX_EVENT_CARDS);
	});

	it("has an id fixed by (run, subscription), and test events a random one", async () => {
		expect(await runEventId("run-1", "wh_1")).toBe(await runEventId("run-1", "wh_1"));
		expect(await runEventId("run-1", "wh_1")).not.toBe(await runEventId("run-1", "wh_2"));
		expect(await runEventId("run-1", "wh_1")).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(randomEventId()).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(randomEventId()).not.toBe(randomEventId());
	});
});
