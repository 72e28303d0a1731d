import { describe, expect, it } from "vitest";
import { levelOf } from "../../../../src/api/middleware/request-log";

describe("levelOf", () => {
	it("is error for the service's faults, warn for refusals and for a deliberate 503, info otherwise", () => {
		expect([200, 201, 304].map(levelOf)).toEqual(["info", "info", "info"]);
		expect([400, 401, 404, 413, 422, 429].map(levelOf)).toEqual(Array(6).fill("warn"));
		// 503 is the API saying "not yet" (no model published, a dependency down), with Retry-After.
		expect(levelOf(503)).toBe("warn");
		expect([500, 502, 504].map(levelOf)).toEqual(["error", "error", "error"]);
	});
});
