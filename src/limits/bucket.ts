/**
 * The token bucket and daily quota arithmetic shared by the rate-limiter Durable Object and the
 * isolate's leases: plain functions over plain values, no bindings.
 */

/** A key's limits: a bucket of `capacity` tokens refilled at `refillPerSecond`, and an optional quota per UTC day. */
export type BucketLimits = { capacity: number; refillPerSecond: number; perDay?: number | undefined };

/** The daily quota as the headers and usage report show it. */
export type QuotaState = {
	/** Requests allowed per UTC day. */
	limit: number;
	/** Requests admitted (or leased) today. */
	used: number;
	remaining: number;
	/** Seconds until the UTC day rolls over. */
	resetSeconds: number;
};

/** The outcome of one take (or lease), with what the rate-limit headers need. */
export type TakeResult = {
	allowed: boolean;
	/** Which limit refused the request: the bucket, or the day's quota (null when allowed). */
	refusedBy: "burst" | "quota" | null;
	/** Whole tokens left after this take. */
	remaining: number;
	/** The bucket's capacity (the burst). */
	limit: number;
	/** Seconds until the bucket is full again. */
	resetSeconds: number;
	/** Seconds until the request could succeed (0 when allowed). */
	retryAfterSeconds: number;
	/** True at most once a minute per key: the caller should record the key's last use. */
	touch: boolean;
	/** The daily quota after this take, when the key has one. */
	quota: QuotaState | null;
};

/** A lease: `granted` tokens deducted from the bucket at once, to spend in the isolate until `expiresAt`. */
export type LeaseResult = TakeResult & { granted: number; expiresAt: number; day: string };

/** The stored and in-memory state of one key's limiter. `idleAt`: when the alarm may forget the bucket. */
export type Bucket = {
	tokens: number;
	updatedAt: number;
	touchedAt: number;
	idleAt: number;
	/** The UTC day `dayUsed` counts. */
	day: string;
	/** Tokens admitted or leased on `day` (for the daily quota). */
	dayUsed: number;
};

/** The UTC day of a time, as YYYY-MM-DD. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Milliseconds since the epoch of the next UTC midnight after `ms`. */
export function nextUtcMidnight(ms: number): number {
	const d = new Date(ms);
	return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Whole seconds until the UTC day rolls over (at least 1). */
export const secondsToMidnight = (ms: number) => Math.max(1, Math.ceil((nextUtcMidnight(ms) - ms) / 1000));

/** The bucket's tokens at `now`, refilled from its last update and capped at the capacity. */
export const refilled = (b: Pick<Bucket, "tokens" | "updatedAt">, now: number, limits: BucketLimits) =>
	Math.min(limits.capacity, b.tokens + (Math.max(0, now - b.updatedAt) / 1000) * limits.refillPerSecond);

/** Whole seconds until a bucket holding `tokens` is full. */
export const secondsToFull = (tokens: number, limits: BucketLimits) =>
	Math.max(0, Math.ceil((limits.capacity - tokens) / limits.refillPerSecond));

/** The quota as seen with `used` tokens spent today, or null without a quota. */
export function quotaState(limits: BucketLimits, used: number, now: number): QuotaState | null {
	if (limits.perDay === undefined) return null;
	return {
		limit: limits.perDay,
		used,
		remaining: Math.max(0, limits.perDay - used),
		resetSeconds: secondsToMidnight(now),
	};
}

/** Refuses nonsensical limits: every figure must be positive. */
export function checkLimits(limits: BucketLimits): void {
	if (!(limits.capacity > 0) || !(limits.refillPerSecond > 0) || (limits.perDay !== undefined && !(limits.perDay > 0)))
		throw new RangeError("cost, capacity, refill and quota must be positive");
}
