import type { Config } from "../config";
import type { AuthenticatedKey } from "../context";
import type { BucketLimits } from "./bucket";
import { LeaseBook } from "./leases";
import { UsageBuffer } from "./usage-buffer";

/** This isolate's token leases (one per hot key). */
export const leaseBook = new LeaseBook();

/** This isolate's unsent request counts. */
export const usageBuffer = new UsageBuffer();

/** A key's limits as the limiter object takes them: burst, refill per second, quota per UTC day. */
export const limitsOf = (key: Pick<AuthenticatedKey, "limits">): BucketLimits => ({
	capacity: key.limits.burst,
	refillPerSecond: key.limits.requests_per_minute / 60,
	perDay: key.limits.requests_per_day,
});

/** Identifies a set of limits: a lease or a known-empty note taken under other limits no longer applies. */
export const limitsSignature = (l: BucketLimits) => `${l.capacity}/${l.refillPerSecond}/${l.perDay ?? ""}`;

/**
 * How long a lease may last for these limits (0: no lease, one call per request): only buckets
 * of at least LEASE_MIN_BURST, and never longer than an isolate trusts a key record.
 */
export const leaseMsFor = (config: Config, limits: BucketLimits) =>
	limits.capacity >= config.LEASE_MIN_BURST ? Math.min(config.LEASE_SECONDS, config.KEY_CACHE_SECONDS) * 1000 : 0;

/** Tokens a lease asks for: LEASE_SHARE of the burst and of the daily quota, at least `cost`. */
export function leaseSize(config: Config, limits: BucketLimits, cost: number): number {
	const ofBurst = Math.floor(limits.capacity * config.LEASE_SHARE);
	const ofQuota = limits.perDay === undefined ? ofBurst : Math.floor(limits.perDay * config.LEASE_SHARE);
	return Math.max(cost, Math.min(ofBurst, ofQuota));
}
