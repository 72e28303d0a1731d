import { describe, expect, it } from "vitest";
import { isDeadLetterQueue, retryDelay } from "../../../src/webhooks/delivery";

describe("delivery backoff", () => {
	it("doubles from the base with each attempt and stops at 12 hours", () => {
		expect([1, 2, 3, 4, 8].map((a) => retryDelay(a, 30))).toEqual([30, 60, 120, 240, 3840]);
		expect(retryDelay(20, 30)).toBe(43_200);
		expect(retryDelay(5, 0)).toBe(0);
	});

	it("knows the dead-letter queues by their suffix", () => {
		expect(isDeadLetterQueue("pokewatch-webhooks-dlq")).toBe(true);
		expect(isDeadLetterQueue("pokewatch-webhooks-production-dlq")).toBe(true);
		expect(isDeadLetterQueue("pokewatch-webhooks")).toBe(false);
	});
});
