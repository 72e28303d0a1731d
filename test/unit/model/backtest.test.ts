import { describe, expect, it } from "vitest";
import { type Candidate, candidateId, mergeTallies, tallyFeatures, type Windows } from "../../../src/model/backtest";
import type { CardSeries } from "../../../src/model/card-series";
import type { ModelSpec } from "../../../src/model/fair-value";
import { buildFeatures } from "../../../src/model/features";
import { metricsOf, naiveMetrics } from "../../../src/model/metrics";

/*
 * A hand-made card whose answers are worked out below. Prices on six consecutive days:
 *
 *   i  date   price  fair = mean of the 2 prior prices  deviation          signal (±5%)  next  move in 2 days (±5%)
 *   0  01-01  100    none (first day: not covered)      -                  -             100   max 100, min 90: down
 *   1  01-02  100    100                                0                  HOLD          90    max 100, min 90: down
 *   2  01-03   90    100                                -0.1               BUY           100   max 110: up
 *   3  01-04  100    95                                 +0.052632          SELL          110   max 110: up
 *   4  01-05  110    95                                 +0.157895          SELL          100   horizon ends 01-07 > as-of: unlabelled
 *   5  01-06  100    105                                -0.047619          HOLD          none  unlabelled
 */
const DATES = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"];
const card = (card_id: string, prices: number[]): CardSeries => ({
	format: 1,
	card_id,
	name: card_id,
	set_name: "Set",
	dates: DATES,
	prices,
});
const HAND = card("bt-hand", [100, 100, 90, 100, 110, 100]);
const SPEC: ModelSpec = { estimator: "rolling_mean", window: 2, buy_threshold: 0.05, sell_threshold: 0.05 };
const CANDIDATES: Candidate[] = [{ id: candidateId(SPEC), spec: SPEC }];
const ALL_IN_SELECTION: Windows = {
	selection: { after: "2025-12-31", through: "2026-01-06" },
	validation: { after: "2026-01-06", through: "2026-01-06" },
};

const tally = (series: CardSeries[], windows = ALL_IN_SELECTION) =>
	tallyFeatures(
		buildFeatures(series, [{ estimator: "rolling_mean", window: 2 }], { asOf: "2026-01-06", horizonDays: 2 }),
		CANDIDATES,
		windows,
		0.05,
	);

describe("the walk-forward backtest on a hand-made series", () => {
	const t = tally([HAND]);
	const selection = t.candidates[candidateId(SPEC)]?.selection;
	if (!selection) throw new Error("no tally");
	const m = metricsOf(selection, 0.5);

	it("covers every day with a prior price", () => {
		expect(m.points).toBe(6);
		expect(m.coverage).toBeCloseTo(5 / 6, 12);
	});

	it("scores the fair value against the next observed price (MAPE, RMSE)", () => {
		// Errors on days 1-4: |100-90|/90, |100-100|/100, |95-110|/110, |95-100|/100.
		expect(m.mape).toBeCloseTo((10 / 90 + 0 + 15 / 110 + 5 / 100) / 4, 12);
		expect(m.rmse).toBeCloseTo(Math.sqrt((100 + 0 + 225 + 25) / 4), 12);
	});

	it("counts signal rates over covered days", () => {
		expect(m).toMatchObject({ buy_rate: 0.2, sell_rate: 0.4, hold_rate: 0.4 });
		expect(m.signal_rate).toBeCloseTo(0.6, 12);
	});

	it("gives BUY and SELL precision and recall at the horizon beside their base rates", () => {
		// Labelled days 0-3: up on days 2 and 3, down on days 0 and 1.
		expect(m).toMatchObject({ buy_precision: 1, buy_recall: 0.5, buy_base_rate: 0.5 });
		// The one labelled SELL (day 3) was followed by a rise; day 4's SELL is unlabelled.
		expect(m).toMatchObject({ sell_precision: 0, sell_recall: 0, sell_base_rate: 0.5 });
		expect(m.alerts).toBe(2);
	});

	it("measures how often the signal flips between consecutive covered days", () => {
		// HOLD→BUY, BUY→SELL, SELL→SELL, SELL→HOLD: three flips in four transitions.
		expect(m.flip_rate).toBe(0.75);
	});

	it("scores alert quality as precision lift over the base rates, only above the signal-rate floor", () => {
		// One hit in two alerts; random alerts would have hit 0.5 each: a lift of 0.
		expect(m.score).toBe(0);
		expect(metricsOf(selection, 0.7).score).toBeNull();
	});

	it("scores the naive forecast (tomorrow = today) on every day with a next price", () => {
		const naive = naiveMetrics(t.naive.selection);
		expect(naive.mape).toBeCloseTo((0 + 10 / 90 + 10 / 100 + 10 / 110 + 10 / 100) / 5, 12);
		expect(naive.rmse).toBeCloseTo(Math.sqrt(400 / 5), 12);
	});

	it("puts each day in the window its date falls in, and nowhere when it falls in none", () => {
		const split = tally([HAND], {
			selection: { after: "2025-12-31", through: "2026-01-03" },
			validation: { after: "2026-01-03", through: "2026-01-05" },
		}).candidates[candidateId(SPEC)];
		expect(split?.selection.points).toBe(3);
		expect(split?.validation.points).toBe(2);
		// No transition crosses from one window into the other.
		expect(split?.selection.transitions).toBe(1);
		expect(split?.validation.transitions).toBe(1);
	});
});

describe("mergeTallies", () => {
	it("merging per-shard tallies gives the tally of all cards at once (sums up to float rounding)", () => {
		const other = card("bt-other", [50, 55, 52, 49, 60, 58]);
		const merged = mergeTallies(tally([HAND]), tally([other]));
		const whole = tally([HAND, other]);
		for (const [id, windows] of Object.entries(whole.candidates)) {
			for (const [w, t] of Object.entries(windows)) {
				for (const [name, value] of Object.entries(t)) {
					const got = merged.candidates[id]?.[w as "selection"]?.[name as keyof typeof t];
					if (Number.isInteger(value)) expect(got, `${id} ${w} ${name}`).toBe(value);
					else expect(got, `${id} ${w} ${name}`).toBeCloseTo(value, 9);
				}
			}
		}
		expect(merged.naive.selection.errors).toBe(whole.naive.selection.errors);
		expect(merged.naive.selection.sum_ape).toBeCloseTo(whole.naive.selection.sum_ape, 12);
		expect(whole.candidates[candidateId(SPEC)]?.selection.points).toBe(12);
	});
});
