import { Lru } from "../lib/lru";
import { type BucketLimits, type LeaseResult, secondsToFull, secondsToMidnight, type TakeResult } from "./bucket";
import type { Returned } from "./types";

/** Tokens an isolate holds for one key: deducted from the key's bucket already, spent here. */
type Lease = {
	/** The limits the lease was taken under: other limits (a changed key) end it. */
	sig: string;
	tokens: number;
	day: string;
	expiresAt: number;
	/** The object's answer when it granted the lease (its bucket after the grant). */
	at: LeaseResult;
	/** The grant asked for a last-use write: the next spend passes it on once. */
	touch: boolean;
};

/**
 * An isolate's token leases, one per key. A request spends from its key's lease; when the lease
 * is empty, expired or taken under other limits, one call to the key's object gives the unspent
 * tokens back and takes a new lease, and concurrent requests of that key wait for that one call
 * instead of making their own. Nothing is spent that the object did not deduct first, so all
 * isolates together never admit more than the bucket holds.
 */
export class LeaseBook {
	#leases = new Lru<string, Lease>(10_000);
	/** Keys with a lease call in flight: the call's id. */
	#inflight = new Map<string, number>();
	/** The last refused lease call per key, by call id: its waiters answer with the same refusal. */
	#refusals = new Lru<string, { call: number; result: LeaseResult }>(10_000);
	#calls = 0;

	/**
	 * Spends `cost` tokens of `keyId`'s lease, calling `renew` (with the unspent tokens) for a new
	 * one when needed. A request that finds another request's call in flight waits for it on its
	 * own timer, never by awaiting that request's promise: the Workers runtime does not let one
	 * request's continuation run on another's I/O (such a request can be cancelled as hung).
	 * It waits at most `waitMs`, then fails as an unavailable limiter would.
	 */
	async spend(
		keyId: string,
		sig: string,
		cost: number,
		limits: BucketLimits,
		renew: (returned: Returned | undefined) => Promise<LeaseResult>,
		waitMs = 1000,
	): Promise<TakeResult> {
		const deadline = Date.now() + waitMs;
		for (;;) {
			const now = Date.now();
			const lease = this.#leases.get(keyId);
			if (lease && lease.sig === sig && lease.expiresAt > now && lease.tokens >= cost) {
				lease.tokens -= cost;
				const touch = lease.touch;
				lease.touch = false;
				return view(lease, limits, now, touch);
			}
			const pending = this.#inflight.get(keyId);
			if (pending !== undefined) {
				while (this.#inflight.get(keyId) === pending) {
					if (Date.now() > deadline) throw new Error(`no lease within ${waitMs} ms`);
					await new Promise((resolve) => setTimeout(resolve, 1));
				}
				// A call refused since this request began waiting found the bucket empty during its wait:
				// it answers with that refusal instead of asking again.
				const refusal = this.#refusals.get(keyId);
				if (refusal && refusal.call >= pending) return refusal.result;
				continue;
			}
			const call = ++this.#calls;
			const returned = lease && lease.tokens > 0 ? { tokens: lease.tokens, day: lease.day } : undefined;
			this.#leases.delete(keyId);
			this.#inflight.set(keyId, call);
			try {
				const result = await renew(returned);
				if (!result.allowed) {
					this.#refusals.set(keyId, { call, result });
					return result;
				}
				this.#leases.set(keyId, {
					sig,
					tokens: result.granted,
					day: result.day,
					expiresAt: result.expiresAt,
					at: result,
					touch: result.touch,
				});
			} finally {
				this.#inflight.delete(keyId);
			}
		}
	}

	/** Ends `keyId`'s lease and returns its unspent tokens (to give back), if it has any. */
	surrender(keyId: string): Returned | undefined {
		const lease = this.#leases.get(keyId);
		this.#leases.delete(keyId);
		// Expired or not, unspent tokens were never spent: they all go back.
		return lease && lease.tokens > 0 ? { tokens: lease.tokens, day: lease.day } : undefined;
	}

	/** Forgets every lease (tests). Their tokens stay spent: forgetting can only under-admit. */
	clear(): void {
		this.#leases.clear();
		this.#inflight.clear();
		this.#refusals.clear();
	}
}

/**
 * What the headers say under a lease: the object's bucket as of the grant plus this isolate's
 * unspent tokens, never more than the capacity (other isolates' spending since is not seen).
 */
function view(lease: Lease, limits: BucketLimits, now: number, touch: boolean): TakeResult {
	const remaining = Math.min(limits.capacity, lease.at.remaining + lease.tokens);
	const quota = lease.at.quota;
	return {
		allowed: true,
		refusedBy: null,
		remaining,
		limit: limits.capacity,
		resetSeconds: secondsToFull(remaining, limits),
		retryAfterSeconds: 0,
		touch,
		quota: quota
			? {
					limit: quota.limit,
					used: Math.max(0, quota.used - lease.tokens),
					remaining: Math.min(quota.limit, quota.remaining + lease.tokens),
					resetSeconds: secondsToMidnight(now),
				}
			: null,
	};
}
