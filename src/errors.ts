import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The closed set of error codes the API answers with, and the HTTP status of each. */
export const ERROR_STATUS = {
	malformed_json: 400,
	bad_request: 400,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	card_not_found: 404,
	date_not_found: 404,
	method_not_allowed: 405,
	conflict: 409,
	payload_too_large: 413,
	unsupported_media_type: 415,
	validation_failed: 422,
	rate_limited: 429,
	quota_exceeded: 429,
	internal: 500,
	model_unavailable: 503,
	service_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Human titles, stable per code (RFC 9457 `title`). */
export const ERROR_TITLE: Record<ErrorCode, string> = {
	malformed_json: "Malformed JSON",
	bad_request: "Bad request",
	unauthorized: "Unauthorized",
	forbidden: "Forbidden",
	not_found: "Not found",
	card_not_found: "Card not found",
	date_not_found: "No price on that date",
	method_not_allowed: "Method not allowed",
	conflict: "Conflict",
	payload_too_large: "Payload too large",
	unsupported_media_type: "Unsupported media type",
	validation_failed: "Validation failed",
	rate_limited: "Too many requests",
	quota_exceeded: "Daily quota exhausted",
	internal: "Internal server error",
	model_unavailable: "No model is serving",
	service_unavailable: "Service unavailable",
};

/** One field at fault, as reported in a problem's `errors[]`. */
export type FieldError = { location: string; message: string };

/** The one error type handlers throw; the root renderer turns it into problem+json. */
export class ApiError extends Error {
	readonly status: ContentfulStatusCode;

	constructor(
		readonly code: ErrorCode,
		detail: string,
		readonly extras: {
			errors?: FieldError[];
			headers?: Record<string, string>;
			/** Extension members added to the problem body (RFC 9457 section 3.2). */
			members?: Record<string, unknown>;
		} = {},
	) {
		super(detail);
		this.name = "ApiError";
		this.status = ERROR_STATUS[code];
	}
}
