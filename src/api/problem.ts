import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { ConfigError } from "../config";
import type { AppEnv } from "../context";
import { ApiError, ERROR_TITLE, type ErrorCode, type FieldError } from "../errors";

const TYPE_BASE = "https://pokewatch.dev/problems/";

/** The RFC 9457 body for an ApiError; `instance` is the request id. */
export function problemBody(error: ApiError, requestId: string | undefined) {
	return {
		type: `${TYPE_BASE}${error.code}`,
		title: ERROR_TITLE[error.code],
		status: error.status,
		detail: error.message,
		instance: requestId ? `urn:request:${requestId}` : "urn:request:unknown",
		code: error.code,
		...(error.extras.errors ? { errors: error.extras.errors } : {}),
		...error.extras.members,
	};
}

/**
 * Renders an ApiError as `application/problem+json`: the one renderer every error goes through.
 * Headers middleware already set on the context (request id, rate-limit headers) are kept.
 */
export function renderProblem(c: Context<AppEnv>, error: ApiError): Response {
	const requestId = c.get("requestId");
	c.header("Content-Type", "application/problem+json");
	for (const [name, value] of Object.entries(error.extras.headers ?? {})) c.header(name, value);
	return c.newResponse(JSON.stringify(problemBody(error, requestId)), error.status);
}

/** zod issues as `{location, message}` pairs, `location` prefixed with where the value came from. */
export function fieldErrors(error: ZodError, target: string): FieldError[] {
	return error.issues.map((issue) => ({
		location: [target, ...issue.path.map(String)].join("."),
		message:
			issue.code === "unrecognized_keys"
				? `unknown field(s): ${issue.keys.join(", ")}`
				: issue.code === "invalid_type" && / received undefined$/.test(issue.message)
					? "is required"
					: issue.message,
	}));
}

/** The validation error for a failed zod parse, naming every field at fault. */
export function validationError(error: ZodError, target: string): ApiError {
	const errors = fieldErrors(error, target);
	const first = errors[0];
	return new ApiError(
		"validation_failed",
		first
			? `${first.location}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`
			: "invalid request",
		{ errors },
	);
}

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
	400: "bad_request",
	401: "unauthorized",
	403: "forbidden",
	404: "not_found",
	405: "method_not_allowed",
	413: "payload_too_large",
	415: "unsupported_media_type",
	429: "rate_limited",
};

/** Maps anything thrown to an ApiError; unknown errors become a 500 that reveals nothing. */
export function toApiError(error: unknown): ApiError {
	if (error instanceof ApiError) return error;
	if (error instanceof HTTPException) {
		if (error.status === 400 && /json/i.test(error.message))
			return new ApiError("malformed_json", "The request body is not valid JSON.");
		if (error.status === 415)
			return new ApiError(
				"unsupported_media_type",
				"Send the body as JSON with `Content-Type: application/json` (price files: `Content-Type: text/csv`).",
			);
		const code = HTTP_CODES[error.status];
		if (code) return new ApiError(code, error.message || ERROR_TITLE[code]);
	}
	if (error instanceof ConfigError) return new ApiError("internal", "The service is misconfigured.");
	return new ApiError("internal", "Something went wrong on our side. Quote the request id when reporting it.");
}
