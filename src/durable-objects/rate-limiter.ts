import { DurableObject } from "cloudflare:workers";

/** A token bucket's shape: `capacity` tokens, refilled continuously at `refillPerSecond`. */
export type BucketLimits = { capacity: number; refillPerSecond: number };

/** The outcome of one `take`, with what the rate-limit headers need. */
export type TakeResult = {
	allowed: boolean;
	remaining: number;
	limit: number;
	/** Seconds until the bucket is full again. */
	resetSeconds: number;
	/** Seconds until `cost` tokens are available (0 when allowed). */
	retryAfterSeconds: number;
};

type Bucket = { tokens: number; updatedAt: number };

// An idle bucket is full again after capacity / refill seconds; its storage is dropped a while after that.
const IDLE_GRACE_MS = 60_000;

/**
 * One token bucket per API key, addressed by the key's id (never one global object).
 * The bucket is refilled lazily from the elapsed time and persisted in the object's SQLite
 * storage. Calls into one object run one at a time and the synchronous KV API has no await
 * between read and write, so concurrent requests can never over-spend the bucket.
 */
export class RateLimiter extends DurableObject<Env> {
	/** Takes `cost` tokens if there are enough; otherwise takes none. */
	take(cost: number, limits: BucketLimits): TakeResult {
		const now = Date.now();
		const stored = this.ctx.storage.kv.get<Bucket>("bucket");
		const elapsed = stored ? Math.max(0, now - stored.updatedAt) / 1000 : 0;
		let tokens = stored ? Math.min(limits.capacity, stored.tokens + elapsed * limits.refillPerSecond) : limits.capacity;
		const allowed = tokens >= cost;
		if (allowed) tokens -= cost;
		this.ctx.storage.kv.put<Bucket>("bucket", { tokens, updatedAt: now });
		const resetSeconds = Math.ceil((limits.capacity - tokens) / limits.refillPerSecond);
		void this.ctx.storage.setAlarm(now + resetSeconds * 1000 + IDLE_GRACE_MS);
		return {
			allowed,
			remaining: Math.floor(tokens),
			limit: limits.capacity,
			resetSeconds,
			retryAfterSeconds: allowed ? 0 : Math.ceil((cost - tokens) / limits.refillPerSecond),
		};
	}

	/** Idle long enough to be full again: forget the bucket, so idle keys cost no storage. */
	override async alarm(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}
}
