import { describe, expect, it } from "vitest";
import {
	cardUrl,
	collectCards,
	fetchCard,
	UpstreamAuthError,
	waitSeconds,
} from "../../../../src/prices/price-tracker/client";
import { cardUniverse } from "../../../../src/prices/price-tracker/universe";
import { requestsFor, trackerOptions, universeCard, useScenario } from "../../../helpers/price-tracker";

// Each test uses its own API key, so the fake server keeps its scenario and counters apart.
const CHARIZARD = universeCard("566544");

describe("fetchCard against the fake Price Tracker API", () => {
	it("asks for exactly one card with its history and an exact limit, with the key as a Bearer token", async () => {
		const token = "ppt_test_unit_happy";
		await useScenario(token, "happy");
		const { outcome, rows } = await fetchCard(CHARIZARD, trackerOptions(token));
		expect(await requestsFor(token)).toEqual(["?tcgPlayerId=566544&includeHistory=true&days=180&limit=1"]);
		expect(outcome).toMatchObject({
			card_id: "sv2a-201-charizard-ex",
			status: "ok",
			attempts: 1,
			http_status: 200,
			error: null,
		});
		expect(rows.length).toBeGreaterThan(100);
		expect(outcome.points).toBe(rows.length);
		expect(rows[0]).toMatchObject({
			card_id: "sv2a-201-charizard-ex",
			card_name: "Charizard ex",
			source: "price-tracker",
		});
		// Near Mint history, dates cut to the day, ascending, none after the run date.
		expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date) && r.date <= "2026-11-21")).toBe(true);
		expect([...rows.map((r) => r.date)].sort()).toEqual(rows.map((r) => r.date));
		expect(rows.at(-1)).toMatchObject({ date: "2026-11-20" });
	});

	it("keeps only prices on or before the run date", async () => {
		const token = "ppt_test_unit_asof";
		await useScenario(token, "happy");
		const { rows } = await fetchCard(CHARIZARD, trackerOptions(token, { runDate: "2026-10-01" }));
		expect(rows.at(-1)?.date).toBe("2026-10-01");
	});

	it("passes `days` through, and the API answers with that much history", async () => {
		const token = "ppt_test_unit_days";
		await useScenario(token, "happy");
		const { rows } = await fetchCard(CHARIZARD, trackerOptions(token, { days: 10 }));
		expect(await requestsFor(token)).toEqual(["?tcgPlayerId=566544&includeHistory=true&days=10&limit=1"]);
		expect(rows.length).toBeLessThanOrEqual(10);
		expect((rows[0]?.date ?? "") >= "2026-11-11").toBe(true);
	});

	it("falls back to prices.market when the card has no Near Mint history", async () => {
		const token = "ppt_test_unit_fallback";
		await useScenario(token, "happy");
		const { outcome, rows } = await fetchCard(universeCard("566844"), trackerOptions(token));
		expect(outcome).toMatchObject({ status: "ok", points: 1, error: "no Near Mint history; used prices.market" });
		expect(rows).toEqual([expect.objectContaining({ card_id: "sv2a-150-mewtwo", date: "2026-11-20" })]);
	});

	it("reads `data` as an array too, picking the card by its tcgPlayerId", async () => {
		const token = "ppt_test_unit_array";
		await useScenario(token, "array");
		const { outcome, rows } = await fetchCard(CHARIZARD, trackerOptions(token));
		expect(outcome.status).toBe("ok");
		expect(rows.length).toBeGreaterThan(100);
	});

	it("waits for Retry-After on a 429, then retries", async () => {
		const token = "ppt_test_unit_429";
		await useScenario(token, "rate-limited");
		const { outcome } = await fetchCard(CHARIZARD, trackerOptions(token));
		expect(outcome).toMatchObject({ status: "ok", attempts: 2, http_status: 200 });
		expect(await requestsFor(token)).toHaveLength(2);
	});

	it("waits for X-RateLimit-Minute-Reset on a 429 without Retry-After, then retries", async () => {
		const token = "ppt_test_unit_429_reset";
		await useScenario(token, "rate-limited");
		const { outcome } = await fetchCard(universeCard("566545"), trackerOptions(token));
		expect(outcome).toMatchObject({ status: "ok", attempts: 2 });
	});

	it("stops collecting when a 429 asks for a longer wait than allowed", async () => {
		const token = "ppt_test_unit_429_long";
		await useScenario(token, "rate-limited-long");
		const result = await collectCards([CHARIZARD, universeCard("566545")], trackerOptions(token));
		expect(result.outcomes.map((o) => o.status)).toEqual(["failed", "skipped"]);
		expect(result.outcomes[0]).toMatchObject({ attempts: 1, http_status: 429 });
		expect(result.stopped).toMatch(/rate limited for 3600 s/);
	});

	it("retries 5xx answers with backoff until one succeeds", async () => {
		const token = "ppt_test_unit_5xx";
		await useScenario(token, "flaky");
		const { outcome } = await fetchCard(CHARIZARD, trackerOptions(token));
		expect(outcome).toMatchObject({ status: "ok", attempts: 3, http_status: 200 });
	});

	it("fails the card, not the collection, when 5xx answers outlast the retries", async () => {
		const token = "ppt_test_unit_down";
		await useScenario(token, "server-down");
		const result = await collectCards([CHARIZARD, universeCard("566545")], trackerOptions(token, { maxRetries: 2 }));
		expect(result.outcomes[0]).toMatchObject({
			status: "failed",
			attempts: 3,
			http_status: 502,
			error: "upstream error (HTTP 502)",
		});
		expect(result.outcomes[1]).toMatchObject({ status: "ok" });
		expect(result.rows.every((r) => r.card_id === "sv2a-202-blastoise-ex")).toBe(true);
	});

	it("retries a timed-out request", async () => {
		const token = "ppt_test_unit_slow";
		await useScenario(token, "slow");
		const { outcome } = await fetchCard(CHARIZARD, trackerOptions(token, { timeoutMs: 300 }));
		expect(outcome).toMatchObject({ status: "ok", attempts: 2 });
	});

	it("fails the card on malformed JSON once the retries are spent", async () => {
		const token = "ppt_test_unit_malformed";
		await useScenario(token, "malformed");
		const { outcome, rows } = await fetchCard(CHARIZARD, trackerOptions(token, { maxRetries: 1 }));
		expect(outcome).toMatchObject({ status: "failed", attempts: 2, error: "malformed JSON in the response" });
		expect(rows).toEqual([]);
	});

	it("fails a card the API does not know without retrying", async () => {
		const token = "ppt_test_unit_404";
		await useScenario(token, "not-found");
		const { outcome } = await fetchCard(CHARIZARD, trackerOptions(token));
		expect(outcome).toMatchObject({ status: "failed", attempts: 1, http_status: 404, error: "refused (HTTP 404)" });
	});

	it("throws at once on a 401, without retrying: no card can succeed with a refused key", async () => {
		const token = "ppt_test_unit_401";
		await useScenario(token, "unauthorized");
		await expect(fetchCard(CHARIZARD, trackerOptions(token))).rejects.toBeInstanceOf(UpstreamAuthError);
		expect(await requestsFor(token)).toHaveLength(1);
		await expect(fetchCard(CHARIZARD, trackerOptions("not-a-test-key"))).rejects.toThrow(/HTTP 401/);
	});

	it("stops asking when X-RateLimit-Daily-Remaining falls to the reserve, skipping the rest", async () => {
		const token = "ppt_test_unit_credits";
		await useScenario(token, "credits-low");
		const cards = cardUniverse().slice(0, 4);
		const result = await collectCards(cards, trackerOptions(token, { dailyReserve: 5 }));
		// The scenario starts with 7 credits: 6 left after the first card, 5 after the second.
		expect(result.outcomes.map((o) => o.status)).toEqual(["ok", "ok", "skipped", "skipped"]);
		expect(result.dailyRemaining).toBe(5);
		expect(result.stopped).toBe("daily credits low (5 left, reserve 5)");
		expect(result.outcomes[2]?.error).toBe("not asked: daily credits low (5 left, reserve 5)");
		expect(await requestsFor(token)).toHaveLength(2);
	});

	it("skips everything when an earlier shard already stopped", async () => {
		const result = await collectCards(cardUniverse().slice(0, 2), trackerOptions("ppt_test_unit_carry"), {
			dailyRemaining: 3,
			stopped: "daily credits low (3 left, reserve 5)",
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(["skipped", "skipped"]);
		expect(await requestsFor("ppt_test_unit_carry")).toEqual([]);
	});
});

describe("waitSeconds", () => {
	const res = (headers: Record<string, string>) => new Response(null, { status: 429, headers });

	it("reads Retry-After as seconds or as an HTTP date", () => {
		expect(waitSeconds(res({ "Retry-After": "7" }))).toBe(7);
		expect(waitSeconds(res({ "Retry-After": new Date(10_000).toUTCString() }), 4_000)).toBe(6);
	});

	it("falls back to X-RateLimit-Minute-Reset as a Unix time or a number of seconds", () => {
		expect(waitSeconds(res({ "X-RateLimit-Minute-Reset": "1800000030" }), 1_800_000_000_000)).toBe(30);
		expect(waitSeconds(res({ "X-RateLimit-Minute-Reset": "12" }))).toBe(12);
		expect(waitSeconds(res({}))).toBeNull();
	});
});

describe("cardUrl", () => {
	it("builds the documented request", () => {
		expect(cardUrl("https://www.pokemonpricetracker.com/api/v2", "566544", 90)).toBe(
			"https://www.pokemonpricetracker.com/api/v2/cards?tcgPlayerId=566544&includeHistory=true&days=90&limit=1",
		);
	});
});
