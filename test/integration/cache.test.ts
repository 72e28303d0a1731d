import { describe, expect, it } from "vitest";
import { CacheStats } from "../../src/api/routes/admin-stats";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { memoUrl, resetCacheStats } from "../../src/lib/cache-memo";
import { api, expectProblem, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";
import { cardRows, resetModels, seedServing } from "../helpers/model";

const CARD = "cache-card";

/** Waits (bounded) until the memo's deferred put for `key` has landed in the Cache API. */
async function cached(key: string) {
	for (let i = 0; i < 200; i++) {
		if (await caches.default.match(memoUrl("fair-price", key))) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error(`no cache entry for ${key}`);
}

describe("Cache API memoization of fair-price answers", () => {
	it("answers the second identical request from the cache and counts it", async () => {
		await resetModels();
		const { epoch } = await seedServing(cardRows(CARD, [10, 11, 12, 13]));
		resetCacheStats();
		const first = await readJson(await postJson("/v1/fair-price", { card_id: CARD }), FairPrice);
		// The put runs after the response; a later request sees it.
		await cached(`${epoch}/${CARD}/latest`);
		const second = await readJson(await postJson("/v1/fair-price", { card_id: CARD }), FairPrice);
		expect(second).toEqual(first);
		const stats = await readJson(await api("/v1/admin/cache"), CacheStats);
		expect(stats.namespaces["fair-price"]).toMatchObject({ hits: 1, misses: 1 });
		// Taken at the first lookup, not at global scope (where a Worker's clock reads 0).
		expect(Date.parse(stats.isolate_started_at ?? "")).toBeGreaterThan(Date.parse("2025-01-01"));
	});

	it("purges by publishing: the next night's data answers with its own numbers", async () => {
		await resetModels();
		const night1 = await seedServing(cardRows(CARD, [10, 10, 10, 10]));
		const before = await readJson(await postJson("/v1/fair-price", { card_id: CARD }), FairPrice);
		await cached(`${night1.epoch}/${CARD}/latest`);
		const night2 = await seedServing(cardRows(CARD, [10, 10, 10, 10, 20]), {
			rule: "momentum",
			window: 3,
			threshold: 0.5,
		});
		const after = await readJson(await postJson("/v1/fair-price", { card_id: CARD }), FairPrice);
		expect(night2.epoch).not.toBe(night1.epoch);
		expect(before).toMatchObject({ market_price: 10, model_version: night1.version });
		expect(after).toMatchObject({ market_price: 20, date: "2026-01-05", model_version: night2.version });
	});

	it("GET answers 304 to a matching If-None-Match and 200 to a stale one", async () => {
		await resetModels();
		await seedServing(cardRows(CARD, [5, 6, 7]));
		const res = await api(`/v1/cards/${CARD}/fair-price`);
		const etag = res.headers.get("etag") as string;
		expect(etag).toMatch(/^".+:cache-card:latest"$/);
		await readJson(res, FairPrice);
		const notModified = await api(`/v1/cards/${CARD}/fair-price`, { headers: { "If-None-Match": etag } });
		expect(notModified.status).toBe(304);
		expect(notModified.headers.get("etag")).toBe(etag);
		expect(await notModified.text()).toBe("");
		const weak = await api(`/v1/cards/${CARD}/fair-price`, { headers: { "If-None-Match": `W/${etag}` } });
		expect(weak.status).toBe(304);
		const stale = await api(`/v1/cards/${CARD}/fair-price`, { headers: { "If-None-Match": '"v0:cache-card:latest"' } });
		expect(stale.status).toBe(200);
	});

	it("keeps the stats view for admin keys only", async () => {
		const { key } = await issueKey({ scopes: ["read"] });
		await expectProblem(await api("/v1/admin/cache", { headers: { "X-API-Key": key } }), 403, "forbidden");
	});
});
