import { beforeAll, describe, expect, it } from "vitest";
import { BatchResponse, FairPrice } from "../../src/api/schemas/fair-price";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { referenceFair, resetModels, SAMPLE_CARD_IDS, sampleSeries, seedServing } from "../helpers/model";

const CHARIZARD = "sv03-223-charizard-ex";
const PIKACHU = "sv08-238-pikachu-ex";

let version: string;
let epoch: string;

beforeAll(async () => {
	await resetModels();
	({ version, epoch } = await seedServing());
});

/** The answer the model should give for a sample card on the observation at `index`. */
function expected(cardId: string, index: number) {
	const { dates, prices } = sampleSeries(cardId);
	const market = prices[index] as number;
	const fair = referenceFair(prices, index);
	return { date: dates[index] as string, market, fair, deviation: (market - fair) / fair };
}

/** Asserts a fair-price answer against the reference, including that the signal agrees with the deviation. */
function expectMatches(result: FairPrice, cardId: string, index: number) {
	const want = expected(cardId, index);
	expect(result.card_id).toBe(cardId);
	expect(result.date).toBe(want.date);
	expect(result.market_price).toBe(want.market);
	expect(result.fair_price).toBeCloseTo(want.fair, 3);
	expect(result.deviation_pct).toBeCloseTo(want.deviation, 5);
	const dev = result.deviation_pct as number;
	expect(result.signal).toBe(dev <= -0.1 ? "BUY" : dev >= 0.15 ? "SELL" : "HOLD");
	expect(result.model_version).toBe(version);
}

describe("POST /v1/fair-price", () => {
	it("answers for the card's latest date when no date is given", async () => {
		const result = await readJson(await postJson("/v1/fair-price", { card_id: CHARIZARD }), FairPrice);
		const last = sampleSeries(CHARIZARD).dates.length - 1;
		expectMatches(result, CHARIZARD, last);
		// The last three observations are 08-19, 08-21 and 08-22: the missing 08-20 does not matter.
		expect(result).toMatchObject({ date: "2026-08-22", market_price: 110.46, fair_price: 110.4333 });
	});

	it("answers for a given date", async () => {
		const { dates } = sampleSeries(CHARIZARD);
		const index = 100;
		const result = await readJson(
			await postJson("/v1/fair-price", { card_id: CHARIZARD, date: dates[index] }),
			FairPrice,
		);
		expectMatches(result, CHARIZARD, index);
	});

	it("uses the card's own first price as the fair value on its first day", async () => {
		const { dates, prices } = sampleSeries(PIKACHU);
		const result = await readJson(await postJson("/v1/fair-price", { card_id: PIKACHU, date: dates[0] }), FairPrice);
		expect(result).toMatchObject({ market_price: prices[0], fair_price: prices[0], deviation_pct: 0, signal: "HOLD" });
	});

	it("counts observations across a month-long gap", async () => {
		// Pikachu ex has no prices from 2026-01-01 to 2026-01-30.
		const { dates } = sampleSeries(PIKACHU);
		const after = dates.indexOf("2026-01-31");
		expect(dates[after - 1]).toBe("2025-12-31");
		const result = await readJson(
			await postJson("/v1/fair-price", { card_id: PIKACHU, date: "2026-01-31" }),
			FairPrice,
		);
		expectMatches(result, PIKACHU, after);
	});

	it("answers every sample card", async () => {
		for (const cardId of SAMPLE_CARD_IDS) {
			const result = await readJson(await postJson("/v1/fair-price", { card_id: cardId }), FairPrice);
			expectMatches(result, cardId, sampleSeries(cardId).dates.length - 1);
		}
	});

	it("speaks the forecast: horizon, move, evidence, and why a HOLD is a HOLD", async () => {
		const { dates, prices } = sampleSeries(CHARIZARD);
		const result = await readJson(await postJson("/v1/fair-price", { card_id: CHARIZARD }), FairPrice);
		expect(result).toMatchObject({ horizon_days: 7, move: 0.05, p_up: null, p_down: null });
		// The evidence: days observed, and calendar days since the price last changed.
		let k = prices.length - 1;
		while (k > 0 && prices[k - 1] === prices[k]) k--;
		const since = (Date.parse(dates.at(-1) as string) - Date.parse(dates[k] as string)) / 86_400_000;
		expect(result.evidence).toEqual({ observations: dates.length, days_since_change: since });
		expect(result.signal === "HOLD" ? result.reason : null).toBe(
			result.signal === "HOLD" ? "inside the rule's thresholds" : null,
		);
		// A dated answer gives its own day's evidence.
		const dated = await readJson(await postJson("/v1/fair-price", { card_id: CHARIZARD, date: dates[100] }), FairPrice);
		expect(dated.evidence.observations).toBe(101);
	});

	it("answers 404 for an unknown card, naming it", async () => {
		const problem = await expectProblem(
			await postJson("/v1/fair-price", { card_id: "base1-4-charizard" }),
			404,
			"card_not_found",
		);
		expect(problem.card_id).toBe("base1-4-charizard");
		expect(problem.detail).toContain("base1-4-charizard");
	});

	it("answers 404 for a date with no price, with the dates that exist", async () => {
		const { dates } = sampleSeries(PIKACHU);
		const problem = await expectProblem(
			await postJson("/v1/fair-price", { card_id: PIKACHU, date: "2026-01-15" }),
			404,
			"date_not_found",
		);
		expect(problem.available_dates).toMatchObject({
			first: dates[0],
			last: dates.at(-1),
			count: dates.length,
			nearest_before: "2025-12-31",
			nearest_after: "2026-01-31",
		});
	});

	it("has nothing before a date earlier than the card's first", async () => {
		const problem = await expectProblem(
			await postJson("/v1/fair-price", { card_id: PIKACHU, date: "2020-01-01" }),
			404,
			"date_not_found",
		);
		expect(problem.available_dates).toMatchObject({
			nearest_before: null,
			nearest_after: sampleSeries(PIKACHU).dates[0],
		});
	});

	it("answers 422 naming each bad field", async () => {
		const cases: [unknown, string][] = [
			[{ card_id: "Charizard EX" }, "body.card_id"],
			[{ card_id: 42 }, "body.card_id"],
			[{}, "body.card_id"],
			[{ card_id: CHARIZARD, date: "2026-02-30" }, "body.date"],
			[{ card_id: CHARIZARD, date: "22/08/2026" }, "body.date"],
		];
		for (const [body, location] of cases) {
			const problem = await expectProblem(await postJson("/v1/fair-price", body), 422, "validation_failed");
			expect(locations(problem), JSON.stringify(body)).toContain(location);
		}
	});

	it("says a missing card_id is required", async () => {
		const problem = await expectProblem(await postJson("/v1/fair-price", { date: "2026-08-22" }), 422);
		expect(problem.errors).toEqual([{ location: "body.card_id", message: "is required" }]);
	});

	it("refuses unknown fields", async () => {
		const problem = await expectProblem(await postJson("/v1/fair-price", { card_id: CHARIZARD, cardId: "x" }), 422);
		expect(problem.errors?.[0]?.message).toContain("cardId");
	});
});

describe("GET /v1/cards/{card_id}/fair-price", () => {
	it("answers the same as POST for the latest date, cacheable for a minute", async () => {
		const res = await api(`/v1/cards/${CHARIZARD}/fair-price`);
		expect(res.headers.get("cache-control")).toBe("private, max-age=60");
		const viaGet = await readJson(res, FairPrice);
		const viaPost = await readJson(await postJson("/v1/fair-price", { card_id: CHARIZARD }), FairPrice);
		expect(viaGet).toEqual(viaPost);
	});

	it("answers a dated request, cacheable for a minute with an ETag naming the publishing run, card and date", async () => {
		const res = await api(`/v1/cards/${PIKACHU}/fair-price?date=2026-01-31`);
		expect(res.headers.get("cache-control")).toBe("private, max-age=60");
		expect(res.headers.get("etag")).toBe(`"${epoch}:${PIKACHU}:2026-01-31"`);
		expectMatches(await readJson(res, FairPrice), PIKACHU, sampleSeries(PIKACHU).dates.indexOf("2026-01-31"));
	});

	it("answers 404 for an unknown card or a date with no price", async () => {
		await expectProblem(await api("/v1/cards/no-such-card/fair-price"), 404, "card_not_found");
		await expectProblem(await api(`/v1/cards/${PIKACHU}/fair-price?date=2026-01-10`), 404, "date_not_found");
	});

	it("answers 422 for a bad card id or date", async () => {
		expect(locations(await expectProblem(await api("/v1/cards/NOT_A_CARD/fair-price"), 422))).toEqual([
			"param.card_id",
		]);
		expect(locations(await expectProblem(await api(`/v1/cards/${CHARIZARD}/fair-price?date=tomorrow`), 422))).toEqual([
			"query.date",
		]);
	});
});

describe("POST /v1/fair-price/batch", () => {
	it("answers each item on its own, in order", async () => {
		const { dates } = sampleSeries(CHARIZARD);
		const res = await postJson("/v1/fair-price/batch", {
			items: [
				{ card_id: CHARIZARD },
				{ card_id: "no-such-card" },
				{ card_id: 5 },
				{ card_id: CHARIZARD, date: dates[10] },
				{ card_id: PIKACHU, date: "2026-01-15" },
				"not an object",
			],
		});
		const body = await readJson(res, BatchResponse);
		expect(body.succeeded).toBe(2);
		expect(body.failed).toBe(4);
		expect(body.items.map((i) => [i.index, i.status])).toEqual([
			[0, 200],
			[1, 404],
			[2, 422],
			[3, 200],
			[4, 404],
			[5, 422],
		]);
		const [first, unknown, invalid, dated, noDate, notObject] = body.items;
		if (!first || !("result" in first) || !dated || !("result" in dated)) throw new Error("expected results");
		expectMatches(first.result, CHARIZARD, dates.length - 1);
		expectMatches(dated.result, CHARIZARD, 10);
		if (!unknown || !("problem" in unknown) || !invalid || !("problem" in invalid))
			throw new Error("expected problems");
		expect(unknown.problem.code).toBe("card_not_found");
		expect(invalid.problem.code).toBe("validation_failed");
		expect(invalid.problem.errors).toEqual([{ location: "body.items.2.card_id", message: expect.any(String) }]);
		expect(noDate && "problem" in noDate && noDate.problem.code).toBe("date_not_found");
		expect(notObject && "problem" in notObject && notObject.problem.errors).toEqual([
			{ location: "body.items.5", message: expect.any(String) },
		]);
		// Item problems belong to the batch's request: they carry no instance of their own.
		expect(unknown.problem).not.toHaveProperty("instance");
	});

	it("accepts 100 items", async () => {
		const items = Array.from({ length: 100 }, (_, i) => ({ card_id: SAMPLE_CARD_IDS[i % SAMPLE_CARD_IDS.length] }));
		const body = await readJson(await postJson("/v1/fair-price/batch", { items }), BatchResponse);
		expect(body.items).toHaveLength(100);
		expect(body.succeeded).toBe(100);
		expect(body.failed).toBe(0);
		expect(body.items.map((i) => i.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
	});

	it("refuses 101 items with a 422 naming body.items", async () => {
		const items = Array.from({ length: 101 }, () => ({ card_id: CHARIZARD }));
		const problem = await expectProblem(await postJson("/v1/fair-price/batch", { items }), 422, "validation_failed");
		expect(locations(problem)).toEqual(["body.items"]);
	});

	it("refuses an empty or missing item list", async () => {
		expect(locations(await expectProblem(await postJson("/v1/fair-price/batch", { items: [] }), 422))).toEqual([
			"body.items",
		]);
		expect(locations(await expectProblem(await postJson("/v1/fair-price/batch", {}), 422))).toEqual(["body.items"]);
		expect(
			locations(await expectProblem(await postJson("/v1/fair-price/batch", [{ card_id: CHARIZARD }]), 422)),
		).toEqual(["body"]);
	});
});
