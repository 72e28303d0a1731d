import { DurableObject } from "cloudflare:workers";

/** A token bucket's shape: `capacity` tokens, refilled continuously at `refillPerSecond`. */
export type BucketLimits = { capacity: number; refillPerSecond: number };

/** The outcome of one `take`, with what the rate-limit headers need. */
export type TakeResult = {
	allowed: boolean;
	/** Whole tokens left after this take. */
	remaining: number;
	/** The bucket's capacity (the burst). */
	limit: number;
	/** Seconds until the bucket is full again. */
	resetSeconds: number;
	/** Seconds until `cost` tokens are available (0 when allowed). */
	retryAfterSeconds: number;
	/** True at most once a minute per key: the caller should record the key's last use. */
	touch: boolean;
};

/** What middleware and tests depend on: one bucket per key, behind an RPC call. */
export interface RateLimiterClient {
	take(cost: number, limits: BucketLimits): Promise<TakeResult>;
}

/** `idleAt`: when the bucket is full again plus a grace period; the alarm deletes it then. */
type Bucket = { tokens: number; updatedAt: number; touchedAt: number; idleAt: number };

// A bucket idle this long after it is full again is deleted by the alarm.
export const IDLE_GRACE_MS = 60_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * One token bucket per API key, addressed by the key's id (never one global object).
 * The bucket refills lazily from the elapsed time and lives in the object's SQLite storage.
 * `take` reads and writes synchronously, with no await in between, and calls into one object
 * run one at a time, so concurrent requests can never spend more than the bucket holds.
 */
export class RateLimiter extends DurableObject<Env> implements RateLimiterClient {
	#alarmArmed = false;

	/** Takes `cost` tokens if there are enough; otherwise takes none. */
	async take(cost: number, limits: BucketLimits): Promise<TakeResult> {
		if (!(cost > 0) || !(limits.capacity > 0) || !(limits.refillPerSecond > 0)) {
			throw new RangeError("cost, capacity and refill must be positive");
		}
		const now = Date.now();
		const stored = this.ctx.storage.kv.get<Bucket>("bucket");
		const elapsed = stored ? Math.max(0, now - stored.updatedAt) / 1000 : 0;
		let tokens = stored ? Math.min(limits.capacity, stored.tokens + elapsed * limits.refillPerSecond) : limits.capacity;
		const allowed = tokens >= cost;
		if (allowed) tokens -= cost;
		const touch = allowed && (!stored || now - stored.touchedAt >= TOUCH_EVERY_MS);
		const resetSeconds = Math.max(0, Math.ceil((limits.capacity - tokens) / limits.refillPerSecond));
		const idleAt = now + resetSeconds * 1000 + IDLE_GRACE_MS;
		this.ctx.storage.kv.put<Bucket>("bucket", {
			tokens,
			updatedAt: now,
			touchedAt: touch ? now : (stored?.touchedAt ?? 0),
			idleAt,
		});
		// The alarm only needs setting once; alarm() re-arms itself if the bucket was used since.
		// Remembered in memory so a busy key does not read its alarm on every request.
		if (!this.#alarmArmed) {
			if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(idleAt);
			this.#alarmArmed = true;
		}
		return {
			allowed,
			remaining: Math.floor(tokens),
			limit: limits.capacity,
			resetSeconds,
			retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / limits.refillPerSecond)),
			touch,
		};
	}

	/** Idle long enough to be full again: forget the bucket, so idle keys cost no storage. */
	override async alarm(): Promise<void> {
		const stored = this.ctx.storage.kv.get<Bucket>("bucket");
		// Takes since the alarm was set push the bucket's idle time on: re-arm instead.
		if (stored && stored.idleAt > Date.now()) {
			await this.ctx.storage.setAlarm(stored.idleAt);
			return;
		}
		this.#alarmArmed = false;
		await this.ctx.storage.deleteAll();
	}
}
