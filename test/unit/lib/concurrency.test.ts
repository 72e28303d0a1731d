import { describe, expect, it } from "vitest";
import { forEachLimit } from "../../../src/lib/concurrency";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("forEachLimit", () => {
	it("calls every item once with at most `limit` calls in flight", async () => {
		let inFlight = 0;
		let most = 0;
		const seen: number[] = [];
		await forEachLimit([...Array(20).keys()], 3, async (item, index) => {
			expect(item).toBe(index);
			inFlight++;
			most = Math.max(most, inFlight);
			await tick();
			seen.push(item);
			inFlight--;
		});
		expect(most).toBe(3);
		expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
	});

	it("does nothing for no items, and takes at least one lane", async () => {
		await forEachLimit([], 4, async () => {
			throw new Error("never called");
		});
		const seen: string[] = [];
		await forEachLimit(["a", "b"], 0, async (item) => {
			seen.push(item);
		});
		expect(seen).toEqual(["a", "b"]);
	});

	it("rejects with the first failure and starts nothing after it", async () => {
		const started: number[] = [];
		await expect(
			forEachLimit([...Array(10).keys()], 2, async (item) => {
				started.push(item);
				await tick();
				if (item === 1) throw new Error("put failed");
			}),
		).rejects.toThrow("put failed");
		expect(started.length).toBeLessThan(10);
	});
});
