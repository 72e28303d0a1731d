import { z } from "@hono/zod-openapi";
import { CARD_ID_PATTERN, isIsoDate } from "../../model/card-series";

/** A card id such as `sv03-223-charizard-ex`. */
export const CardId = z
	.string()
	.regex(CARD_ID_PATTERN, "must be a card id: lower-case letters, digits, '.', '_' or '-', at most 128 characters")
	.openapi({ example: "sv03-223-charizard-ex" });

/** A calendar date, YYYY-MM-DD. */
export const IsoDate = z
	.string()
	.refine(isIsoDate, "must be a calendar date in YYYY-MM-DD form")
	.openapi({ example: "2026-08-22", format: "date" });

export const Signal = z.enum(["BUY", "SELL", "HOLD"]).openapi("Signal");
export type Signal = z.infer<typeof Signal>;

/** RFC 9457 problem details, as every error is answered. */
export const Problem = z
	.object({
		type: z.string().openapi({ example: "https://pokewatch.dev/problems/validation_failed" }),
		title: z.string(),
		status: z.number().int(),
		detail: z.string(),
		instance: z.string().openapi({ description: "The request id (also in X-Request-ID)." }),
		code: z.string().openapi({ description: "Stable machine-readable error code." }),
		errors: z
			.array(z.object({ location: z.string(), message: z.string() }))
			.optional()
			.openapi({ description: "The fields at fault, for validation errors." }),
	})
	.passthrough()
	.openapi("Problem");
export type Problem = z.infer<typeof Problem>;

const problemContent = { "application/problem+json": { schema: Problem } };

/** OpenAPI response entries for the problems a route can answer with. */
export function problemResponses(...statuses: number[]) {
	const describe: Record<number, string> = {
		400: "Malformed request (for example invalid JSON)",
		401: "No API key, or one this API does not know",
		403: "The key is revoked, expired or lacks the scope",
		404: "Not found",
		409: "Conflict with the current state",
		413: "Request body too large",
		415: "The body is not of a content type this operation takes",
		414: "The URL is over 16 KB (answered by Cloudflare before the Worker runs)",
		422: "A field is invalid; `errors[]` names it",
		429: "Over the key's rate limit or daily quota: wait Retry-After seconds",
		503: "No model is serving yet",
	};
	// A 414 comes from Cloudflare's edge, not from the Worker: it carries no problem document.
	return Object.fromEntries(
		statuses.map((s) => [
			s,
			s === 414 ? { description: describe[s] } : { description: describe[s] ?? "Error", content: problemContent },
		]),
	);
}

/** `limit` (1–100) and an opaque `cursor`: the query of every paged list. */
export const pageQuery = (defaultLimit: number) => ({
	limit: z.coerce
		.number()
		.int()
		.min(1)
		.max(100)
		.default(defaultLimit)
		.openapi({ param: { name: "limit", in: "query" }, example: defaultLimit }),
	cursor: z
		.string()
		.max(300)
		.optional()
		.openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` from the previous page." }),
});

/**
 * The one list envelope: the page in `data`, the cursor of the next page in `next_cursor` (null on
 * the last), and any list-level facts beside them (a listing's model version, its summary).
 */
export const listOf = <T extends z.ZodType, E extends z.ZodRawShape = Record<never, never>>(item: T, extra?: E) =>
	z.object({
		data: z.array(item),
		next_cursor: z
			.string()
			.nullable()
			.openapi({ description: "Pass as `cursor` for the next page; null on the last." }),
		...((extra ?? {}) as E),
	});
