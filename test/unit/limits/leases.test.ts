import { describe, expect, it } from "vitest";
import type { BucketLimits } from "../../../src/limits/bucket";
import { LeaseBook } from "../../../src/limits/leases";
import { callsOf, limiterOf } from "../../helpers/limiter";

const LIMITS: BucketLimits = { capacity: 500, refillPerSecond: 1 / 3600 };
const SIG = "500/x/";

/** A LeaseBook's renew over the key's real Durable Object, leasing `want` tokens for `ms`. */
const renewFrom =
	(keyId: string, want: number, ms = 5000, limits = LIMITS) =>
	(returned?: { tokens: number; day: string }) =>
		limiterOf(keyId).lease({ min: 1, want, leaseMs: ms, limits, returned });

describe("LeaseBook", () => {
	it("lets several isolates together admit exactly the bucket, however their requests interleave", async () => {
		const keyId = `leases-${crypto.randomUUID()}`;
		// Three isolates, each with its own book, 300 concurrent requests each.
		const books = [new LeaseBook(), new LeaseBook(), new LeaseBook()];
		const results = await Promise.all(
			books.flatMap((book) =>
				Array.from({ length: 300 }, () => book.spend(keyId, SIG, 1, LIMITS, renewFrom(keyId, 50))),
			),
		);
		expect(results.filter((r) => r.allowed)).toHaveLength(500);
		expect(results.filter((r) => !r.allowed).every((r) => r.refusedBy === "burst" && r.retryAfterSeconds > 0)).toBe(
			true,
		);
		// Concurrent requests of one isolate shared each lease call: about one call per 50 requests.
		expect((await callsOf(limiterOf(keyId))).lease).toBeLessThanOrEqual(500 / 50 + 3 * 2);
	});

	it("makes one call for many concurrent requests in one isolate", async () => {
		const keyId = `leases-${crypto.randomUUID()}`;
		const book = new LeaseBook();
		const results = await Promise.all(
			Array.from({ length: 40 }, () => book.spend(keyId, SIG, 1, LIMITS, renewFrom(keyId, 50))),
		);
		expect(results.every((r) => r.allowed)).toBe(true);
		expect(results.map((r) => r.remaining).sort((a, b) => b - a)).toEqual(
			Array.from({ length: 40 }, (_, i) => 499 - i),
		);
		expect((await callsOf(limiterOf(keyId))).lease).toBe(1);
	});

	it("gives the unspent tokens back when the limits change, and on surrender", async () => {
		const keyId = `leases-${crypto.randomUUID()}`;
		const book = new LeaseBook();
		await book.spend(keyId, SIG, 1, LIMITS, renewFrom(keyId, 50));
		const other = { capacity: 400, refillPerSecond: 1 / 3600 };
		const after = await book.spend(keyId, "400/x/", 1, other, renewFrom(keyId, 40, 5000, other));
		// 49 back (capped at 400: 451 -> 400), then 40 leased and one of them spent.
		expect(after.remaining).toBe(399);
		expect(book.surrender(keyId)).toMatchObject({ tokens: 39 });
		expect(book.surrender(keyId)).toBeUndefined();
	});

	it("passes a grant's last-use request on once", async () => {
		const keyId = `leases-${crypto.randomUUID()}`;
		const book = new LeaseBook();
		const touches = [];
		for (let i = 0; i < 3; i++) touches.push((await book.spend(keyId, SIG, 1, LIMITS, renewFrom(keyId, 50))).touch);
		expect(touches).toEqual([true, false, false]);
	});
});
