import { describe, expect, it } from "vitest";
import { cacheStats, memo, memoUrl, resetCacheStats } from "../../../src/lib/cache-memo";

/** Collects the promises a memo defers, so a test can wait for its cache writes. */
function deferrals() {
	const pending: Promise<unknown>[] = [];
	return { waitUntil: (p: Promise<unknown>) => pending.push(p), settle: () => Promise.all(pending) };
}

describe("memo", () => {
	it("computes on a miss, stores after the response, and answers the next lookup from the Cache API", async () => {
		resetCacheStats();
		const { waitUntil, settle } = deferrals();
		let calls = 0;
		const compute = async () => {
			calls++;
			return { answer: 42 };
		};
		const first = await memo(waitUntil, "unit", "v1/card-a/latest", 60, compute);
		expect(first).toEqual({ value: { answer: 42 }, cache: "miss" });
		await settle();
		const second = await memo(waitUntil, "unit", "v1/card-a/latest", 60, compute);
		expect(second).toEqual({ value: { answer: 42 }, cache: "hit" });
		expect(calls).toBe(1);
		expect(await caches.default.match(memoUrl("unit", "v1/card-a/latest"))).toBeDefined();
		expect(cacheStats().namespaces.unit).toEqual({ hits: 1, misses: 1, hit_rate: 0.5 });
	});

	it("keys by the whole key, so a new model version misses", async () => {
		const { waitUntil, settle } = deferrals();
		await memo(waitUntil, "unit", "v1/card-b/latest", 60, async () => "old");
		await settle();
		const next = await memo(waitUntil, "unit", "v2/card-b/latest", 60, async () => "new");
		expect(next).toEqual({ value: "new", cache: "miss" });
	});

	it("never stores a failure or a null", async () => {
		const { waitUntil, settle } = deferrals();
		await expect(
			memo(waitUntil, "unit", "v1/card-c/latest", 60, async () => {
				throw new Error("not found");
			}),
		).rejects.toThrow("not found");
		await memo(waitUntil, "unit", "v1/card-d/latest", 60, async () => null);
		await settle();
		expect(await caches.default.match(memoUrl("unit", "v1/card-c/latest"))).toBeUndefined();
		expect(await caches.default.match(memoUrl("unit", "v1/card-d/latest"))).toBeUndefined();
	});
});

describe("memo's isolate layer", () => {
	it("answers a repeat from the isolate even when the Cache API entry is gone", async () => {
		const { waitUntil, settle } = deferrals();
		await memo(waitUntil, "unit", "v1/card-e/latest", 60, async () => "kept");
		await settle();
		await caches.default.delete(memoUrl("unit", "v1/card-e/latest"));
		expect(await memo(waitUntil, "unit", "v1/card-e/latest", 60, async () => "recomputed")).toEqual({
			value: "kept",
			cache: "hit",
		});
	});

	it("skips the isolate layer when asked, so the caller's own memory is not doubled", async () => {
		const { waitUntil, settle } = deferrals();
		await memo(waitUntil, "unit", "v1/card-f/latest", 60, async () => "one", { inIsolate: false });
		await settle();
		await caches.default.delete(memoUrl("unit", "v1/card-f/latest"));
		expect(await memo(waitUntil, "unit", "v1/card-f/latest", 60, async () => "two", { inIsolate: false })).toEqual({
			value: "two",
			cache: "miss",
		});
	});
});

describe("memo without the shared cache", () => {
	it("keeps a cheap value in the isolate only, never writing the Cache API", async () => {
		const { waitUntil, settle } = deferrals();
		let calls = 0;
		const compute = async () => {
			calls++;
			return "cheap";
		};
		expect(await memo(waitUntil, "unit", "v1/card-g/latest", 60, compute, { sharedCache: false })).toEqual({
			value: "cheap",
			cache: "miss",
		});
		await settle();
		expect(await caches.default.match(memoUrl("unit", "v1/card-g/latest"))).toBeUndefined();
		expect(await memo(waitUntil, "unit", "v1/card-g/latest", 60, compute, { sharedCache: false })).toEqual({
			value: "cheap",
			cache: "hit",
		});
		expect(calls).toBe(1);
	});
});
