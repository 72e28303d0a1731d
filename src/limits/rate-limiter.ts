import { DurableObject } from "cloudflare:workers";
import {
	type Bucket,
	type BucketLimits,
	checkLimits,
	type LeaseResult,
	nextUtcMidnight,
	quotaState,
	refilled,
	secondsToFull,
	secondsToMidnight,
	type TakeResult,
	utcDay,
} from "./bucket";
import type { Carried, LimiterCalls, RateLimiterClient, UsageCount, UsageReport } from "./types";
import { USAGE_DAYS, usageTable } from "./usage-table";

// A bucket idle this long after it is full again is forgotten by the alarm.
export const IDLE_GRACE_MS = 60_000;
const TOUCH_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;

/** When the alarm may forget a bucket: full again plus the grace, and not before midnight while today's quota counts. */
function idleAtFor(tokens: number, dayUsed: number, now: number, limits: BucketLimits) {
	const full = now + secondsToFull(tokens, limits) * 1000 + IDLE_GRACE_MS;
	return limits.perDay !== undefined && dayUsed > 0 ? Math.max(full, nextUtcMidnight(now) + IDLE_GRACE_MS) : full;
}

/**
 * One limiter per API key, addressed by the key's id (never one global object): its token
 * bucket, its daily quota, and its request counts.
 *
 * The bucket refills lazily from the elapsed time. Calls into one object run one at a time and
 * no method awaits between reading and spending, so concurrent requests can never spend more
 * than the bucket holds. A lease deducts its tokens at once, so leased tokens are spent tokens
 * until they are given back. The true bucket lives in memory; storage holds a bucket never
 * fuller (and a day's count never lower) than the truth: each write reserves up to 5 % of the
 * capacity (and of the quota) in advance, so a busy key writes once per that many requests and
 * an object that restarts from storage can only under-admit. (Under 20 nothing is reserved.)
 */
export class RateLimiter extends DurableObject<Env> implements RateLimiterClient {
	#alarmArmed = false;
	/** The true bucket, once loaded. */
	#bucket: Bucket | undefined;
	/** What storage holds: a lower bound of the true bucket. */
	#stored: Bucket | undefined;
	#loaded = false;
	#usageReady = false;
	#prunedFor = "";
	#calls: LimiterCalls = { take: 0, lease: 0, record: 0, report: 0, since: Date.now() };

	/** Takes `cost` tokens if the bucket and the quota allow it; otherwise takes none. */
	async take(cost: number, limits: BucketLimits, carried: Carried = {}): Promise<TakeResult> {
		if (!(cost > 0)) throw new RangeError("cost, capacity, refill and quota must be positive");
		checkLimits(limits);
		this.#calls.take++;
		const { granted: _granted, expiresAt: _expiresAt, day: _day, ...result } = this.#admit(cost, cost, limits, carried);
		this.#countUsage(carried.usage);
		await this.#arm(this.#stored?.idleAt ?? Date.now() + IDLE_GRACE_MS);
		return result;
	}

	/** Deducts up to `want` tokens at once, or none when fewer than `min` are available. */
	async lease(request: { min: number; want: number; leaseMs: number; limits: BucketLimits } & Carried) {
		const { min, want, leaseMs, limits } = request;
		if (!(min > 0) || !(want >= min) || !(leaseMs > 0))
			throw new RangeError("a lease needs 0 < min <= want and a duration");
		checkLimits(limits);
		this.#calls.lease++;
		const result = this.#admit(min, want, limits, request);
		// A lease never spans a UTC midnight: its tokens count against the day they were leased on.
		const now = Date.now();
		result.expiresAt = Math.min(now + leaseMs, nextUtcMidnight(now));
		this.#countUsage(request.usage);
		await this.#arm(this.#stored?.idleAt ?? now + IDLE_GRACE_MS);
		return result;
	}

	/** Adds a batch of counts. */
	async record(usage: UsageCount[]): Promise<void> {
		this.#calls.record++;
		this.#countUsage(usage);
		await this.#arm(this.#stored?.idleAt ?? Date.now() + IDLE_GRACE_MS);
	}

	/** The bucket and quota now (after anything carried) and the counts of the last `days` days. */
	async report(limits: BucketLimits, days: number, carried: Carried = {}): Promise<UsageReport> {
		checkLimits(limits);
		this.#calls.report++;
		this.#countUsage(carried.usage);
		const now = Date.now();
		if (!this.#loaded) this.reload();
		let tokens = this.#bucket ? refilled(this.#bucket, now, limits) : limits.capacity;
		let dayUsed = this.#bucket?.day === utcDay(now) ? this.#bucket.dayUsed : 0;
		if (carried.returned && carried.returned.tokens > 0) {
			// Given back through a zero-token admit, so memory and storage stay in step.
			const after = this.#admit(0, 0, limits, { returned: carried.returned });
			tokens = after.remaining;
			dayUsed = after.quota?.used ?? dayUsed;
		}
		const rows = this.#usageTable() ? usageTable.since(this.ctx.storage.sql, now, days) : [];
		return {
			bucket: { limit: limits.capacity, remaining: Math.floor(tokens), resetSeconds: secondsToFull(tokens, limits) },
			quota: quotaState(limits, dayUsed, now),
			rows,
			calls: { ...this.#calls },
		};
	}

	/**
	 * The one read-modify-write of the bucket: gives back `returned`, then deducts up to `want`
	 * tokens, or none when fewer than `min` are there (`min` 0: only gives back).
	 */
	#admit(min: number, want: number, limits: BucketLimits, carried: Carried): LeaseResult {
		if (!this.#loaded) this.reload();
		const now = Date.now();
		const day = utcDay(now);
		const previous = this.#bucket;
		let tokens = previous ? refilled(previous, now, limits) : limits.capacity;
		let dayUsed = previous?.day === day ? previous.dayUsed : 0;
		const back = carried.returned;
		if (back && back.tokens > 0) {
			tokens = Math.min(limits.capacity, tokens + back.tokens);
			// Tokens leased on an earlier day were counted on that day, not this one.
			if (back.day === day) dayUsed = Math.max(0, dayUsed - back.tokens);
		}
		const quotaLeft = limits.perDay === undefined ? Number.POSITIVE_INFINITY : Math.max(0, limits.perDay - dayUsed);
		let granted = Math.floor(Math.min(want, tokens, quotaLeft));
		let refusedBy: TakeResult["refusedBy"] = null;
		if (granted < min) {
			granted = 0;
			refusedBy = quotaLeft < min ? "quota" : "burst";
		}
		tokens -= granted;
		dayUsed += granted;
		const allowed = refusedBy === null && min > 0;
		const touch = allowed && (!previous || now - previous.touchedAt >= TOUCH_EVERY_MS);
		const touchedAt = touch ? now : (previous?.touchedAt ?? 0);
		this.#bucket = { tokens, updatedAt: now, touchedAt, idleAt: idleAtFor(tokens, dayUsed, now, limits), day, dayUsed };
		this.#persist(now, limits);
		const retryAfterSeconds =
			refusedBy === "quota"
				? secondsToMidnight(now)
				: refusedBy === "burst"
					? Math.max(1, Math.ceil((min - tokens) / limits.refillPerSecond))
					: 0;
		return {
			allowed,
			refusedBy,
			remaining: Math.floor(tokens),
			limit: limits.capacity,
			resetSeconds: secondsToFull(tokens, limits),
			retryAfterSeconds,
			touch,
			quota: quotaState(limits, dayUsed, now),
			granted,
			expiresAt: now,
			day,
		};
	}

	/** Writes the bucket only when storage would otherwise be fuller (or its day's count lower) than the truth. */
	#persist(now: number, limits: BucketLimits) {
		const truth = this.#bucket as Bucket;
		const stored = this.#stored;
		const bucketStale = !stored || refilled(stored, now, limits) > truth.tokens;
		const quotaStale =
			limits.perDay !== undefined &&
			truth.dayUsed > 0 &&
			(!stored || stored.day !== truth.day || stored.dayUsed < truth.dayUsed);
		if (!bucketStale && !quotaStale) return;
		const tokens = Math.max(0, truth.tokens - Math.floor(limits.capacity / 20));
		const dayUsed =
			limits.perDay === undefined
				? truth.dayUsed
				: Math.min(limits.perDay, truth.dayUsed + Math.floor(limits.perDay / 20));
		this.#stored = { ...truth, tokens, dayUsed, idleAt: idleAtFor(tokens, dayUsed, now, limits) };
		this.ctx.storage.kv.put<Bucket>("bucket", this.#stored);
	}

	/** Whether the usage table exists (it is created with the first counts). */
	#usageTable(create = false): boolean {
		if (!this.#usageReady) this.#usageReady = usageTable.ready(this.ctx.storage.sql, create);
		return this.#usageReady;
	}

	/** Adds a batch of counts (one implicit transaction) and, once a day, drops days past retention. */
	#countUsage(usage: UsageCount[] | undefined) {
		const valid = usageTable.valid(usage);
		if (valid.length === 0) return;
		this.#usageTable(true);
		usageTable.add(this.ctx.storage.sql, valid);
		if (this.#prunedFor !== utcDay(Date.now())) this.#prune(Date.now());
	}

	/** Deletes counts older than USAGE_DAYS; returns the oldest day left, or null when none is. */
	#prune(now: number): string | null {
		if (!this.#usageTable()) return null;
		this.#prunedFor = utcDay(now);
		return usageTable.prune(this.ctx.storage.sql, now);
	}

	/** Arms the alarm once per object life, for `at` unless one is due sooner; alarm() re-arms itself. */
	async #arm(at: number) {
		if (this.#alarmArmed) return;
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > at) await this.ctx.storage.setAlarm(at);
		this.#alarmArmed = true;
	}

	/**
	 * Re-reads the bucket from storage, dropping what memory held. Always safe: storage is never
	 * fuller than the truth. (Tests call it after rewriting storage to make time pass.)
	 */
	reload(): void {
		const stored = this.ctx.storage.kv.get<Bucket>("bucket");
		this.#bucket = stored ? { ...stored, day: stored.day ?? "", dayUsed: stored.dayUsed ?? 0 } : undefined;
		this.#stored = this.#bucket ? { ...this.#bucket } : undefined;
		this.#loaded = true;
	}

	/** The object's call counters since it started (not itself an RPC the counters count). */
	calls(): LimiterCalls {
		return { ...this.#calls };
	}

	/**
	 * Forgets a bucket once idle long enough to be full again (and past the midnight that ends a
	 * counted quota day); drops counts older than USAGE_DAYS; deletes all storage once nothing is left.
	 */
	override async alarm(): Promise<void> {
		if (!this.#loaded) this.reload();
		const now = Date.now();
		if (this.#bucket || this.#stored) {
			// Storage's idle time is never earlier than the true one; takes since push both on.
			const idleAt = Math.max(this.#bucket?.idleAt ?? 0, this.#stored?.idleAt ?? 0);
			if (idleAt > now) {
				await this.ctx.storage.setAlarm(idleAt);
				return;
			}
			this.#bucket = undefined;
			this.#stored = undefined;
			this.ctx.storage.kv.delete("bucket");
		}
		const oldest = this.#prune(now);
		if (oldest === null) {
			this.#alarmArmed = false;
			this.#usageReady = false;
			await this.ctx.storage.deleteAll();
			return;
		}
		// Back when the oldest day left falls out of the retention window; the next take arms sooner.
		this.#alarmArmed = false;
		await this.ctx.storage.setAlarm(Date.parse(oldest) + USAGE_DAYS * DAY_MS);
	}
}
