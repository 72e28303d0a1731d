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

/** The bucket's tokens at `now`, refilled from its last update and capped at the capacity. */
const refilled = (b: Bucket, now: number, limits: BucketLimits) =>
	Math.min(limits.capacity, b.tokens + (Math.max(0, now - b.updatedAt) / 1000) * limits.refillPerSecond);

/** When a bucket holding `tokens` at `now` is full again, plus the grace period. */
const idleAtFor = (tokens: number, now: number, limits: BucketLimits) =>
	now + Math.max(0, Math.ceil((limits.capacity - tokens) / limits.refillPerSecond)) * 1000 + IDLE_GRACE_MS;

/**
 * One token bucket per API key, addressed by the key's id (never one global object).
 *
 * The bucket refills lazily from the elapsed time. Calls into one object run one at a time and
 * `take` has no await between reading and spending, so concurrent requests can never spend more
 * than the bucket holds. The true bucket lives in the object's memory; its SQLite storage holds
 * a bucket that is never fuller than the true one: each write reserves up to 5 % of the capacity
 * in advance, so a busy key with a large bucket writes once per that many requests instead of on
 * every one, and an object that restarts from storage can only under-admit, never over-admit.
 * (A key with a burst under 20 reserves nothing: it writes on every take, as a slow key can afford.)
 */
export class RateLimiter extends DurableObject<Env> implements RateLimiterClient {
	#alarmArmed = false;
	/** The true bucket, once loaded. */
	#bucket: Bucket | undefined;
	/** What storage holds: a lower bound of the true bucket. */
	#stored: Bucket | undefined;
	#loaded = false;

	/** Takes `cost` tokens if there are enough; otherwise takes none. */
	async take(cost: number, limits: BucketLimits): Promise<TakeResult> {
		if (!(cost > 0) || !(limits.capacity > 0) || !(limits.refillPerSecond > 0)) {
			throw new RangeError("cost, capacity and refill must be positive");
		}
		if (!this.#loaded) this.reload();
		const now = Date.now();
		const previous = this.#bucket;
		let tokens = previous ? refilled(previous, now, limits) : limits.capacity;
		const allowed = tokens >= cost;
		if (allowed) tokens -= cost;
		const touch = allowed && (!previous || now - previous.touchedAt >= TOUCH_EVERY_MS);
		const touchedAt = touch ? now : (previous?.touchedAt ?? 0);
		const idleAt = idleAtFor(tokens, now, limits);
		this.#bucket = { tokens, updatedAt: now, touchedAt, idleAt };
		// Persist only when storage would otherwise be fuller than the truth.
		if (!this.#stored || refilled(this.#stored, now, limits) > tokens) {
			const reserved = Math.max(0, tokens - Math.floor(limits.capacity / 20));
			this.#stored = { tokens: reserved, updatedAt: now, touchedAt, idleAt: idleAtFor(reserved, now, limits) };
			this.ctx.storage.kv.put<Bucket>("bucket", this.#stored);
		}
		// The alarm only needs setting once; alarm() re-arms itself if the bucket was used since.
		if (!this.#alarmArmed) {
			if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(this.#stored.idleAt);
			this.#alarmArmed = true;
		}
		const resetSeconds = Math.max(0, Math.ceil((limits.capacity - tokens) / limits.refillPerSecond));
		return {
			allowed,
			remaining: Math.floor(tokens),
			limit: limits.capacity,
			resetSeconds,
			retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - tokens) / limits.refillPerSecond)),
			touch,
		};
	}

	/**
	 * Re-reads the bucket from storage, dropping what memory held. Always safe: storage is never
	 * fuller than the truth. (Tests call it after rewriting storage to make time pass.)
	 */
	reload(): void {
		const stored = this.ctx.storage.kv.get<Bucket>("bucket");
		this.#bucket = stored ? { ...stored } : undefined;
		this.#stored = stored;
		this.#loaded = true;
	}

	/** Idle long enough to be full again: forget the bucket, so idle keys cost no storage. */
	override async alarm(): Promise<void> {
		if (!this.#loaded) this.reload();
		// Storage's idle time is never earlier than the true one; takes since push both on.
		const idleAt = Math.max(this.#bucket?.idleAt ?? 0, this.#stored?.idleAt ?? 0);
		if (idleAt > Date.now()) {
			await this.ctx.storage.setAlarm(idleAt);
			return;
		}
		this.#alarmArmed = false;
		this.#bucket = undefined;
		this.#stored = undefined;
		await this.ctx.storage.deleteAll();
	}
}
