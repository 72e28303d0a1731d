import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrors, problemBody, toApiError, validationError } from "../../../src/api/problem";
import { Problem } from "../../../src/api/schemas/common";
import { ConfigError } from "../../../src/config";
import { ApiError, ERROR_STATUS, ERROR_TITLE } from "../../../src/errors";

const Body = z.object({ card_id: z.string(), limit: z.number().max(10) }).strict();

describe("problemBody", () => {
	it("renders RFC 9457 members, with the request id as instance", () => {
		const body = problemBody(new ApiError("card_not_found", "No card x."), "abc-123");
		expect(Problem.parse(body)).toEqual({
			type: "https://pokewatch.dev/problems/card_not_found",
			title: "Card not found",
			status: 404,
			detail: "No card x.",
			instance: "urn:request:abc-123",
			code: "card_not_found",
		});
	});

	it("carries field errors and extension members", () => {
		const body = problemBody(
			new ApiError("validation_failed", "bad", {
				errors: [{ location: "body.card_id", message: "is required" }],
				members: { max_bytes: 10 },
			}),
			undefined,
		);
		expect(body).toMatchObject({
			status: 422,
			instance: "urn:request:unknown",
			errors: [{ location: "body.card_id", message: "is required" }],
			max_bytes: 10,
		});
	});
});

describe("ERROR_STATUS and ERROR_TITLE", () => {
	it("give every code a title and an error status", () => {
		for (const [code, status] of Object.entries(ERROR_STATUS)) {
			expect(ERROR_TITLE[code as keyof typeof ERROR_STATUS], code).toBeTruthy();
			expect(status).toBeGreaterThanOrEqual(400);
		}
	});
});

describe("fieldErrors and validationError", () => {
	it("names each field with its source prefix", () => {
		const result = Body.safeParse({ card_id: 5, limit: 11 });
		expect(result.success).toBe(false);
		if (result.success) return;
		const errors = fieldErrors(result.error, "body");
		expect(errors.map((e) => e.location)).toEqual(["body.card_id", "body.limit"]);
	});

	it("says a missing field is required", () => {
		const result = Body.safeParse({ limit: 1 });
		if (result.success) throw new Error("expected a failure");
		expect(fieldErrors(result.error, "body")).toEqual([{ location: "body.card_id", message: "is required" }]);
	});

	it("lists unknown fields", () => {
		const result = Body.safeParse({ card_id: "a", limit: 1, extra: true });
		if (result.success) throw new Error("expected a failure");
		expect(fieldErrors(result.error, "body")).toEqual([{ location: "body", message: "unknown field(s): extra" }]);
	});

	it("makes a 422 whose detail names the first field and counts the rest", () => {
		const result = Body.safeParse({});
		if (result.success) throw new Error("expected a failure");
		const error = validationError(result.error, "query");
		expect(error.status).toBe(422);
		expect(error.code).toBe("validation_failed");
		expect(error.message).toBe("query.card_id: is required (and 1 more)");
		expect(error.extras.errors).toHaveLength(2);
	});
});

describe("toApiError", () => {
	it("passes ApiErrors through", () => {
		const error = new ApiError("date_not_found", "no");
		expect(toApiError(error)).toBe(error);
	});

	it("maps a JSON parse failure to malformed_json", () => {
		const error = toApiError(new HTTPException(400, { message: "Malformed JSON in request body" }));
		expect(error.code).toBe("malformed_json");
		expect(error.status).toBe(400);
	});

	it("maps 415 and other HTTP exceptions to their codes", () => {
		expect(toApiError(new HTTPException(415, { message: "Unsupported Media Type" })).code).toBe(
			"unsupported_media_type",
		);
		expect(toApiError(new HTTPException(413)).code).toBe("payload_too_large");
		expect(toApiError(new HTTPException(401, { message: "no key" })).code).toBe("unauthorized");
	});

	it("turns anything else into a 500 that reveals nothing", () => {
		const error = toApiError(new TypeError("cannot read properties of undefined (reading 'secret_column')"));
		expect(error.status).toBe(500);
		expect(error.code).toBe("internal");
		expect(error.message).not.toContain("secret_column");
		expect(toApiError("a string").code).toBe("internal");
	});

	it("reports a misconfiguration without the bad value", () => {
		const error = toApiError(new ConfigError("invalid configuration: BUY_THRESHOLD: must be a number"));
		expect(error.status).toBe(500);
		expect(error.message).toBe("The service is misconfigured.");
	});
});
