import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getConfig } from "../../../../src/config";
import { FeedClient, type FeedOptions } from "../../../../src/prices/tcgcsv/client";
import { FeedPrices, feedDayOf } from "../../../../src/prices/tcgcsv/shapes";

// This file's own scope of the local feed host (test/setup/tcgcsv-server.ts).
const SCOPE = `${getConfig(env).TCGCSV_BASE_URL}/s/client-unit`;

const options = (over: Partial<FeedOptions> = {}): FeedOptions => ({
	baseUrl: SCOPE,
	userAgent: "PokeWatch-test/1.0",
	spacingMs: 0,
	timeoutMs: 2000,
	maxRetries: 2,
	backoffMs: 5,
	...over,
});

const control = async (path: string, body: unknown) => {
	const res = await fetch(`${SCOPE}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
	if (!res.ok) throw new Error(await res.text());
};
const requests = async () =>
	(await (await fetch(`${SCOPE}/__control/requests`)).json()) as { path: string; userAgent: string; at: string }[];

let pricesPath: string;

beforeEach(async () => {
	await control("reset", {});
	await control("faults", { faults: [], down: false });
	await control("day", { day: "2026-11-02" });
	const groups = (await (await fetch(`${SCOPE}/tcgplayer/3/groups`)).json()) as { results: { groupId: number }[] };
	pricesPath = `/tcgplayer/3/${groups.results[0]?.groupId}/prices`;
	await control("reset", {});
});

describe("the TCGCSV client", () => {
	it("names itself on every request and parses what it asked for", async () => {
		const client = new FeedClient(options());
		const day = await client.get("/last-updated.txt", feedDayOf);
		expect(day).toMatchObject({ ok: true, status: 200, attempts: 1, value: { day: "2026-11-02" } });
		const prices = await client.getJson(pricesPath, FeedPrices);
		expect(prices.ok && prices.value.results.length).toBeGreaterThan(0);
		expect((await requests()).map((r) => r.userAgent)).toEqual(["PokeWatch-test/1.0", "PokeWatch-test/1.0"]);
		expect(client.requests).toBe(2);
	});

	it("retries a 5xx with backoff and succeeds when the feed recovers", async () => {
		await control("faults", { faults: [{ path: pricesPath, status: 502, times: 2 }] });
		const answer = await new FeedClient(options()).getJson(pricesPath, FeedPrices);
		expect(answer).toMatchObject({ ok: true, attempts: 3 });
	});

	it("gives up after its retries, saying why", async () => {
		await control("faults", { faults: [{ path: pricesPath, status: 503 }] });
		const answer = await new FeedClient(options()).getJson(pricesPath, FeedPrices);
		expect(answer).toEqual({ ok: false, status: 503, error: `HTTP 503 from ${pricesPath}`, attempts: 3 });
	});

	it("does not retry a 404 or another 4xx", async () => {
		const answer = await new FeedClient(options()).getJson("/tcgplayer/3/1/prices", FeedPrices);
		expect(answer).toMatchObject({ ok: false, status: 404, attempts: 1 });
	});

	it("retries a malformed body, and a timeout", async () => {
		await control("faults", {
			faults: [
				{ path: pricesPath, status: 200, times: 1, body: '{"success": true, "errors": [], "results": [{"productId' },
				{ path: "/last-updated.txt", status: 200, times: 1, delayMs: 500 },
			],
		});
		expect(await new FeedClient(options()).getJson(pricesPath, FeedPrices)).toMatchObject({ ok: true, attempts: 2 });
		const timed = await new FeedClient(options({ timeoutMs: 100, maxRetries: 1 })).get("/last-updated.txt", feedDayOf);
		expect(timed).toMatchObject({ ok: true, attempts: 2 });
		await control("faults", { faults: [{ path: pricesPath, status: 200, body: "<html>" }] });
		const broken = await new FeedClient(options()).getJson(pricesPath, FeedPrices);
		expect(broken).toMatchObject({ ok: false, attempts: 3, error: expect.stringContaining("not JSON") });
	});

	it("honours a 429's Retry-After", async () => {
		await control("faults", { faults: [{ path: pricesPath, status: 429, times: 1 }] });
		const answer = await new FeedClient(options()).getJson(pricesPath, FeedPrices);
		expect(answer).toMatchObject({ ok: true, attempts: 2 });
	});

	it("spaces its requests and asks nothing once the day's budget is spent", async () => {
		const client = new FeedClient(options({ spacingMs: 60 }), { remaining: 3 });
		for (let k = 0; k < 4; k++) await client.get("/last-updated.txt", feedDayOf);
		const log = await requests();
		expect(log).toHaveLength(3);
		const gaps = log.slice(1).map((r, i) => Date.parse(r.at) - Date.parse(log[i]?.at as string));
		expect(gaps.every((g) => g >= 50)).toBe(true);
		expect(await client.get("/last-updated.txt", feedDayOf)).toMatchObject({
			ok: false,
			error: expect.stringContaining("TCGCSV_DAILY_REQUESTS"),
		});
	});
});
