import { beforeAll, describe, expect, it } from "vitest";
import { History } from "../../src/api/schemas/cards";
import { api, expectProblem, locations, readJson } from "../helpers/api";
import { cardRows, resetModels, seedServing } from "../helpers/model";

const CARD = "hist-card";
// Five observations with gaps between them.
const DATES = ["2026-03-01", "2026-03-02", "2026-03-05", "2026-03-10", "2026-04-01"];
const PRICES = [100, 120, 110, 60, 200];

let version: string;

beforeAll(async () => {
	await resetModels();
	const rows = [
		...cardRows(CARD, PRICES, { dates: DATES, name: "History Card", set: "History Set" }),
		...cardRows("other-card", [1, 2, 3]),
	];
	version = (await seedServing(rows)).version;
});

const history = async (query = "") => readJson(await api(`/v1/cards/${CARD}/history${query}`), History);

describe("GET /v1/cards/{card_id}/history", () => {
	it("returns every observed day, oldest first, evaluated by the model", async () => {
		const body = await history();
		expect(body).toMatchObject({
			card_id: CARD,
			name: "History Card",
			set: "History Set",
			from: null,
			to: null,
			model_version: version,
		});
		const rule = { p_up: null, p_down: null };
		expect(body.points).toEqual([
			{ date: "2026-03-01", market_price: 100, fair_price: 100, deviation_pct: 0, signal: "HOLD", ...rule },
			{ date: "2026-03-02", market_price: 120, fair_price: 110, deviation_pct: 0.090909, signal: "HOLD", ...rule },
			{ date: "2026-03-05", market_price: 110, fair_price: 110, deviation_pct: 0, signal: "HOLD", ...rule },
			{ date: "2026-03-10", market_price: 60, fair_price: 96.6667, deviation_pct: -0.379311, signal: "BUY", ...rule },
			{ date: "2026-04-01", market_price: 200, fair_price: 123.3333, deviation_pct: 0.621622, signal: "SELL", ...rule },
		]);
		expect(body).toMatchObject({ horizon_days: 7, move: 0.05 });
	});

	it("filters to from..to, both inclusive", async () => {
		const body = await history("?from=2026-03-02&to=2026-03-10");
		expect(body.from).toBe("2026-03-02");
		expect(body.to).toBe("2026-03-10");
		expect(body.points.map((p) => p.date)).toEqual(["2026-03-02", "2026-03-05", "2026-03-10"]);
	});

	it("keeps the window's earlier observations when filtering", async () => {
		// The first point shown still averages the two observations before it.
		const body = await history("?from=2026-03-10");
		expect(body.points.map((p) => [p.date, p.fair_price])).toEqual([
			["2026-03-10", 96.6667],
			["2026-04-01", 123.3333],
		]);
	});

	it("accepts open-ended ranges and bounds that fall between observations", async () => {
		expect((await history("?to=2026-03-04")).points.map((p) => p.date)).toEqual(["2026-03-01", "2026-03-02"]);
		expect((await history("?from=2026-03-06&to=2026-03-31")).points.map((p) => p.date)).toEqual(["2026-03-10"]);
		expect((await history("?from=2026-03-05&to=2026-03-05")).points).toHaveLength(1);
		expect((await history("?from=2027-01-01")).points).toEqual([]);
	});

	it("is cacheable", async () => {
		expect((await api(`/v1/cards/${CARD}/history`)).headers.get("cache-control")).toBe("private, max-age=60");
	});

	it("refuses from after to with a 422 naming query.from", async () => {
		const problem = await expectProblem(
			await api(`/v1/cards/${CARD}/history?from=2026-03-10&to=2026-03-01`),
			422,
			"validation_failed",
		);
		expect(locations(problem)).toEqual(["query.from"]);
	});

	it("refuses dates that are not YYYY-MM-DD calendar dates", async () => {
		expect(locations(await expectProblem(await api(`/v1/cards/${CARD}/history?from=2026-3-1`), 422))).toEqual([
			"query.from",
		]);
		expect(locations(await expectProblem(await api(`/v1/cards/${CARD}/history?to=2026-02-30`), 422))).toEqual([
			"query.to",
		]);
	});

	it("answers 404 for an unknown card", async () => {
		const problem = await expectProblem(await api("/v1/cards/missing-card/history"), 404, "card_not_found");
		expect(problem.card_id).toBe("missing-card");
	});

	it("answers 422 for a malformed card id", async () => {
		expect(locations(await expectProblem(await api("/v1/cards/Bad%20Card/history"), 422))).toEqual(["param.card_id"]);
	});
});
