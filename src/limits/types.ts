/**
 * The types the rate limiter's callers need (middleware, the usage route, the isolate's lease
 * book and usage buffer), apart from the object itself so that none of them imports it.
 */
import type { BucketLimits, LeaseResult, QuotaState, TakeResult } from "./bucket";

/** Requests an isolate counted for one (UTC day, route pattern), sent to the key's object in a batch. */
export type UsageCount = { day: string; route: string; requests: number; refused: number };

/** Unspent leased tokens given back, with the UTC day they were leased on. */
export type Returned = { tokens: number; day: string };

/** What a call may carry besides its own work: counts to record, tokens to give back. */
export type Carried = { usage?: UsageCount[] | undefined; returned?: Returned | undefined };

/** The object's own call counters since it started (the benchmark's "calls per request"). */
export type LimiterCalls = { take: number; lease: number; record: number; report: number; since: number };

/** A key's bucket and quota now, and its counted requests per day and route. */
export type UsageReport = {
	bucket: { limit: number; remaining: number; resetSeconds: number };
	quota: QuotaState | null;
	/** The last `days` UTC days that have counts, oldest first, routes by name. */
	rows: UsageCount[];
	calls: LimiterCalls;
};

/** What middleware and tests depend on: one limiter per key, behind RPC calls. */
export interface RateLimiterClient {
	/** Takes `cost` tokens (and the quota's share) or none. */
	take(cost: number, limits: BucketLimits, carried?: Carried): Promise<TakeResult>;
	/** Deducts up to `want` tokens at once (at least `min`, else none) for the isolate to spend until `expiresAt`. */
	lease(request: { min: number; want: number; leaseMs: number; limits: BucketLimits } & Carried): Promise<LeaseResult>;
	/** Adds an isolate's batch of counts (one storage transaction per batch, never one per request). */
	record(usage: UsageCount[]): Promise<void>;
	/** The bucket and quota now and the counts of the last `days` days. */
	report(limits: BucketLimits, days: number, carried?: Carried): Promise<UsageReport>;
}
