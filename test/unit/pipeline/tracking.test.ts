import { describe, expect, it } from "vitest";
import { inputHash, timeoutSeconds } from "../../../src/pipeline/tracking";

describe("timeoutSeconds", () => {
	it("reads a step's timeout in seconds", () => {
		expect(timeoutSeconds({ timeout: "5 minutes" })).toBe(300);
		expect(timeoutSeconds({ timeout: "1 minute" })).toBe(60);
		expect(timeoutSeconds({ timeout: "30 seconds" })).toBe(30);
		expect(timeoutSeconds({ timeout: "1 second" })).toBe(1);
		expect(timeoutSeconds({ timeout: "2 hours" })).toBe(7200);
	});

	it("reads a number as milliseconds, rounding up to whole seconds", () => {
		expect(timeoutSeconds({ timeout: 90_000 })).toBe(90);
		expect(timeoutSeconds({ timeout: 1500 })).toBe(2);
	});

	it("answers the engine's default of 10 minutes when unset", () => {
		expect(timeoutSeconds({})).toBe(600);
		expect(timeoutSeconds({ retries: { limit: 1, delay: "1 second" } })).toBe(600);
	});
});

describe("inputHash", () => {
	it("is a SHA-256 that changes with the step kind and with its inputs", async () => {
		const hash = await inputHash("features", { shard: 0, key: "raw/a" });
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(await inputHash("features", { shard: 0, key: "raw/a" })).toBe(hash);
		expect(await inputHash("collect", { shard: 0, key: "raw/a" })).not.toBe(hash);
		expect(await inputHash("features", { shard: 1, key: "raw/a" })).not.toBe(hash);
	});
});
