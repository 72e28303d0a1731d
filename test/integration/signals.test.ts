import { beforeAll, describe, expect, it } from "vitest";
import { SignalList } from "../../src/api/schemas/cards";
import { api, expectProblem, locations, readJson } from "../helpers/api";
import { cardRows, resetModels, seedServing } from "../helpers/model";

// Hand-made cards whose latest day lands on known deviations (window 3, BUY <= -0.10, SELL >= 0.15).
const CARDS: Record<string, number[]> = {
	"sig-sell-big": [100, 100, 300], // fair 166.67, +0.80 SELL
	"sig-buy-big": [100, 100, 40], // fair 80, -0.50 BUY
	"sig-sell-small": [100, 100, 130], // fair 110, +0.1818 SELL
	"sig-sell-edge": [85, 100, 115], // fair 100, exactly +0.15 SELL
	"sig-buy-small": [100, 100, 80], // fair 93.33, -0.1429 BUY
	"sig-buy-edge": [100, 110, 90], // fair 100, exactly -0.10 BUY
	"sig-hold": [100, 100, 105], // +0.0328 HOLD
	"sig-zero": [0, 0, 0], // fair 0: no deviation, HOLD
};
const RANKED = ["sig-sell-big", "sig-buy-big", "sig-sell-small", "sig-sell-edge", "sig-buy-small", "sig-buy-edge"];

let version: string;

beforeAll(async () => {
	await resetModels();
	const rows = Object.entries(CARDS).flatMap(([id, prices]) => cardRows(id, prices, { start: "2026-05-01" }));
	version = (await seedServing(rows)).version;
});

const signals = async (query = "") => readJson(await api(`/v1/signals${query}`), SignalList);

describe("GET /v1/signals", () => {
	it("lists BUY and SELL cards, largest |deviation| first, without HOLDs", async () => {
		const body = await signals();
		expect(body.model_version).toBe(version);
		expect(body.as_of).toBe("2026-05-03");
		expect(body.data.map((i) => i.card_id)).toEqual(RANKED);
		const magnitudes = body.data.map((i) => Math.abs(i.latest_deviation_pct ?? Number.NaN));
		expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
	});

	it("counts the exact thresholds as signals", async () => {
		const byId = new Map((await signals()).data.map((i) => [i.card_id, i]));
		expect(byId.get("sig-buy-edge")).toMatchObject({ latest_deviation_pct: -0.1, latest_signal: "BUY" });
		expect(byId.get("sig-sell-edge")).toMatchObject({ latest_deviation_pct: 0.15, latest_signal: "SELL" });
	});

	it("filters to BUY", async () => {
		const body = await signals("?signal=BUY");
		expect(body.data.map((i) => i.card_id)).toEqual(["sig-buy-big", "sig-buy-small", "sig-buy-edge"]);
		expect(body.data.every((i) => i.latest_signal === "BUY" && (i.latest_deviation_pct ?? 0) < 0)).toBe(true);
	});

	it("filters to SELL", async () => {
		const body = await signals("?signal=SELL");
		expect(body.data.map((i) => i.card_id)).toEqual(["sig-sell-big", "sig-sell-small", "sig-sell-edge"]);
		expect(body.data.every((i) => i.latest_signal === "SELL" && (i.latest_deviation_pct ?? 0) > 0)).toBe(true);
	});

	it("honours the limit", async () => {
		expect((await signals("?limit=2")).data.map((i) => i.card_id)).toEqual(RANKED.slice(0, 2));
		expect((await signals("?signal=BUY&limit=1")).data.map((i) => i.card_id)).toEqual(["sig-buy-big"]);
	});

	it("refuses a signal other than BUY or SELL", async () => {
		for (const signal of ["HOLD", "buy", "STRONG_BUY"]) {
			const problem = await expectProblem(await api(`/v1/signals?signal=${signal}`), 422, "validation_failed");
			expect(locations(problem), signal).toEqual(["query.signal"]);
		}
	});

	it("refuses a limit outside 1..100", async () => {
		for (const limit of ["0", "101", "x"]) {
			expect(locations(await expectProblem(await api(`/v1/signals?limit=${limit}`), 422)), limit).toEqual([
				"query.limit",
			]);
		}
	});
});
