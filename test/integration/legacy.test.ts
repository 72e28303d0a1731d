import { beforeAll, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { LegacyCards, LegacyFairPrice, LegacyHealth } from "../../src/api/schemas/health";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { resetModels, SAMPLE_CARD_IDS, seedServing } from "../helpers/model";

const CHARIZARD = "sv03-223-charizard-ex";

beforeAll(async () => {
	await resetModels();
	await seedServing();
});

/** Asserts the deprecation headers pointing at `successor`. */
function expectDeprecated(res: Response, successor?: string) {
	expect(res.headers.get("deprecation")).toBe("true");
	if (successor) expect(res.headers.get("link")).toBe(`<${successor}>; rel="successor-version"`);
}

describe("POST /fair_price", () => {
	it("answers with the original field names and no model_version", async () => {
		const res = await postJson("/fair_price", { card_id: CHARIZARD, date: "2026-08-22" });
		expectDeprecated(res, "/v1/fair-price");
		const text = await res.clone().text();
		const body = await readJson(res, LegacyFairPrice);
		expect(Object.keys(JSON.parse(text)).sort()).toEqual([
			"card_id",
			"date",
			"deviation_pct",
			"fair_price",
			"market_price",
			"signal",
		]);
		const current = await readJson(
			await postJson("/v1/fair-price", { card_id: CHARIZARD, date: "2026-08-22" }),
			FairPrice,
		);
		const { card_id, date, market_price, fair_price, deviation_pct, signal } = current;
		expect(body).toEqual({ card_id, date, market_price, fair_price, deviation_pct, signal });
	});

	it("defaults to the latest date", async () => {
		const body = await readJson(await postJson("/fair_price", { card_id: CHARIZARD }), LegacyFairPrice);
		expect(body.date).toBe("2026-08-22");
	});

	it("answers errors as problems with a detail", async () => {
		const notFound = await expectProblem(
			await postJson("/fair_price", { card_id: "missing-card" }),
			404,
			"card_not_found",
		);
		expect(notFound.detail).toContain("missing-card");
		const invalid = await expectProblem(await postJson("/fair_price", { card_id: "" }), 422, "validation_failed");
		expect(locations(invalid)).toEqual(["body.card_id"]);
	});
});

describe("GET /cards", () => {
	it("lists every card id with a count", async () => {
		const res = await api("/cards");
		expectDeprecated(res, "/v1/cards");
		expect(await readJson(res, LegacyCards)).toEqual({ cards: [...SAMPLE_CARD_IDS], count: 16 });
	});
});

describe("GET /health", () => {
	it("answers the original shape", async () => {
		const res = await api("/health");
		expectDeprecated(res, "/v1/health");
		expect(await readJson(res, LegacyHealth)).toEqual({ status: "healthy", model_loaded: true, cards_count: 16 });
	});
});
