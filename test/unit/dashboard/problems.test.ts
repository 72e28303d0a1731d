import { describe, expect, it } from "vitest";
import { describeFailure, networkFailure, retryAfterSeconds } from "../../../src/dashboard/problems";

const problem = (status: number, code: string, detail: string) => ({
	type: `https://pokewatch.dev/problems/${code}`,
	title: "t",
	status,
	detail,
	instance: "urn:request:1",
	code,
});

describe("the dashboard's failure messages", () => {
	it("tell a refused key (401) from a revoked or under-scoped one (403), with the API's detail", () => {
		const unknown = describeFailure(401, problem(401, "unauthorized", "A valid API key is required."), null);
		expect(unknown).toMatchObject({ kind: "auth", status: 401 });
		expect(unknown.message).toBe("The API did not accept this key (401). A valid API key is required.");
		const revoked = describeFailure(403, problem(403, "forbidden", "This API key has been revoked."), null);
		expect(revoked).toMatchObject({ kind: "auth", status: 403 });
		expect(revoked.message).toContain("This key is not allowed (403). This API key has been revoked.");
	});

	it("say how long to wait after a 429, from Retry-After", () => {
		const limited = describeFailure(429, problem(429, "rate_limited", "over its limit"), "42");
		expect(limited).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 42 });
		expect(limited.message).toContain("wait 42 s");
		expect(describeFailure(429, null, null).message).toContain("wait a little");
	});

	it("tell 'no model yet' from another 503", () => {
		const noModel = describeFailure(503, problem(503, "model_unavailable", "No model has been promoted yet."), "60");
		expect(noModel.kind).toBe("no_model");
		expect(noModel.message).toContain("No model is serving yet (503). No model has been promoted yet.");
		expect(noModel.message).toContain("once a pipeline run has published prices");
		const down = describeFailure(503, problem(503, "service_unavailable", "Rate limiting is unavailable"), "1");
		expect(down).toMatchObject({ kind: "unavailable", retryAfterSeconds: 1 });
		expect(down.message).toBe("The service is unavailable (503). Rate limiting is unavailable. Try again in 1 s.");
	});

	it("list what a 422 found at fault, from its errors[], keeping the API's words", () => {
		const body = {
			...problem(422, "validation_failed", "query.min_price: must not be above max_price"),
			errors: [
				{ location: "query.min_price", message: "must not be above max_price (5)" },
				{ location: 7, message: "not a location" },
			],
		};
		expect(describeFailure(422, body, null)).toEqual({
			kind: "invalid",
			status: 422,
			errors: [{ location: "query.min_price", message: "must not be above max_price (5)" }],
			message: "The API refused the request (422). query.min_price: must not be above max_price (5).",
		});
		// Without errors[], the detail says it.
		expect(describeFailure(422, problem(422, "validation_failed", "query.cursor: is not a cursor"), null)).toEqual({
			kind: "invalid",
			status: 422,
			errors: [],
			message: "The API refused the request (422). query.cursor: is not a cursor.",
		});
	});

	it("describe any other answer, even one that is not a problem", () => {
		expect(describeFailure(500, problem(500, "internal", "Something failed on our side."), null).message).toBe(
			"The API answered 500 (t). Something failed on our side.",
		);
		expect(describeFailure(502, "<html>bad gateway</html>", null)).toEqual({
			kind: "other",
			status: 502,
			message: "The API answered 502.",
		});
		expect(networkFailure(new TypeError("Failed to fetch"))).toEqual({
			kind: "network",
			status: 0,
			message: "Could not reach the API: Failed to fetch.",
		});
	});

	it("read Retry-After as seconds or as an HTTP date", () => {
		const now = Date.parse("2026-11-27T05:00:00Z");
		expect(retryAfterSeconds("30", now)).toBe(30);
		expect(retryAfterSeconds("Fri, 27 Nov 2026 05:00:45 GMT", now)).toBe(45);
		expect(retryAfterSeconds("Fri, 27 Nov 2026 04:00:00 GMT", now)).toBe(0);
		expect([retryAfterSeconds(null), retryAfterSeconds(""), retryAfterSeconds("soon")]).toEqual([
			undefined,
			undefined,
			undefined,
		]);
	});
});
