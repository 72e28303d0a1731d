/**
 * The one Cache API helper. Values are JSON, stored under synthetic URLs that carry the model
 * version in their key (so promoting a model is the purge), only successes are stored, and the
 * put runs after the response (`waitUntil`). In front of the Cache API sits a small bounded
 * in-isolate map of the same entries, so a hot answer costs no cache round trip at all. The
 * Cache API is per data centre and does nothing on *.workers.dev: there, every lookup past the
 * isolate's own map is a miss and the answer is computed as usual.
 */

import { Lru } from "./lru";

/** Whether a lookup was answered from the cache. */
export type CacheOutcome = "hit" | "miss";

const CACHE_ORIGIN = "https://cache.pokewatch.internal";

type Counter = { hits: number; misses: number };
const counters = new Map<string, Counter>();

// Answers are a few hundred bytes; the bound keeps isolate memory flat (well under 1 MB).
const ISOLATE_ENTRIES = 2048;
const isolate = new Lru<string, { value: unknown; expires: number }>(ISOLATE_ENTRIES);
// The clock reads 0 at a Worker's global scope: the isolate's start is taken at its first count.
let startedAt: string | null = null;

function count(namespace: string, outcome: CacheOutcome) {
	startedAt ??= new Date().toISOString();
	let counter = counters.get(namespace);
	if (!counter) {
		counter = { hits: 0, misses: 0 };
		counters.set(namespace, counter);
	}
	if (outcome === "hit") counter.hits++;
	else counter.misses++;
}

/** This isolate's hit and miss counts per namespace, since it started. */
export function cacheStats() {
	const namespaces: Record<string, Counter & { hit_rate: number | null }> = {};
	for (const [name, { hits, misses }] of counters) {
		namespaces[name] = { hits, misses, hit_rate: hits + misses === 0 ? null : hits / (hits + misses) };
	}
	return { isolate_started_at: startedAt, namespaces };
}

/** Forgets the counters and the isolate's own entries (tests). */
export const resetCacheStats = () => {
	counters.clear();
	isolate.clear();
};

/** The synthetic URL of a memo entry. */
export const memoUrl = (namespace: string, key: string) =>
	`${CACHE_ORIGIN}/${encodeURIComponent(namespace)}/${key.split("/").map(encodeURIComponent).join("/")}`;

/**
 * Returns the cached value of `namespace/key`, or computes it with `fn` and stores it for
 * `ttlSeconds` after the response. A thrown error or a null value is never stored. A broken
 * cache never fails the request: it counts as a miss. `inIsolate: false` skips the isolate's
 * own map, for values a caller already keeps in memory (card series in the model store).
 * `sharedCache: false` skips the Cache API, for values cheaper to compute than to fetch (an
 * answer whose card is already in memory): they live in the isolate's map only.
 */
export async function memo<T>(
	waitUntil: (promise: Promise<unknown>) => void,
	namespace: string,
	key: string,
	ttlSeconds: number,
	fn: () => Promise<T>,
	options: { inIsolate?: boolean; sharedCache?: boolean } = {},
): Promise<{ value: T; cache: CacheOutcome }> {
	const url = memoUrl(namespace, key);
	const now = Date.now();
	const keepLocal = options.inIsolate !== false;
	const local = keepLocal ? isolate.get(url) : undefined;
	if (local && local.expires > now) {
		count(namespace, "hit");
		return { value: local.value as T, cache: "hit" };
	}
	const shared = options.sharedCache !== false;
	const cache = caches.default;
	const cached = shared ? await cache.match(url).catch(() => undefined) : undefined;
	if (cached) {
		count(namespace, "hit");
		const value = (await cached.json()) as T;
		if (keepLocal) isolate.set(url, { value, expires: now + ttlSeconds * 1000 });
		return { value, cache: "hit" };
	}
	count(namespace, "miss");
	const value = await fn();
	if (value !== null && value !== undefined) {
		if (keepLocal) isolate.set(url, { value, expires: now + ttlSeconds * 1000 });
		if (shared) {
			const response = new Response(JSON.stringify(value), {
				headers: { "Content-Type": "application/json", "Cache-Control": `public, max-age=${ttlSeconds}` },
			});
			waitUntil(cache.put(url, response).catch(() => undefined));
		}
	}
	return { value, cache: "miss" };
}
