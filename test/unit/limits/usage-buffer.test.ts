import { describe, expect, it } from "vitest";
import { UsageBuffer } from "../../../src/limits/usage-buffer";

const T = Date.parse("2026-12-01T23:59:58Z");

describe("UsageBuffer", () => {
	it("sums requests per key, UTC day and route, and drains them once", () => {
		const buffer = new UsageBuffer();
		buffer.count("k1", "/a", false, T);
		buffer.count("k1", "/a", false, T);
		buffer.count("k1", "/a", true, T);
		buffer.count("k1", "/b", false, T);
		buffer.count("k1", "/a", false, T + 5000); // the next UTC day
		buffer.count("k2", "/a", false, T);
		expect(buffer.drain("k1")).toEqual([
			{ day: "2026-12-01", route: "/a", requests: 2, refused: 1 },
			{ day: "2026-12-01", route: "/b", requests: 1, refused: 0 },
			{ day: "2026-12-02", route: "/a", requests: 1, refused: 0 },
		]);
		expect(buffer.drain("k1")).toBeUndefined();
		expect(buffer.drain("k2")).toHaveLength(1);
	});

	it("is due once its oldest count is older than the interval", () => {
		const buffer = new UsageBuffer();
		expect(buffer.due("k", 5000, T)).toBe(false);
		buffer.count("k", "/a", false, T);
		buffer.count("k", "/a", false, T + 4000);
		expect(buffer.due("k", 5000, T + 4999)).toBe(false);
		expect(buffer.due("k", 5000, T + 5000)).toBe(true);
	});

	it("takes back a batch a failed flush could not deliver", () => {
		const buffer = new UsageBuffer();
		buffer.count("k", "/a", false, T);
		const batch = buffer.drain("k");
		buffer.count("k", "/a", true, T);
		buffer.restore("k", batch, T);
		expect(buffer.drain("k")).toEqual([{ day: "2026-12-01", route: "/a", requests: 1, refused: 1 }]);
	});
});
