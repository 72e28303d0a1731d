/**
 * Turning a failed API call into words for the operator. The API answers every error as RFC 9457
 * problem+json with a `detail` and a stable `code`; the page adds what to do about it.
 */

/** What went wrong, as far as the page acts on it; `invalid` is a 422, a request the API would not take as asked. */
export type FailureKind = "auth" | "rate_limited" | "no_model" | "unavailable" | "invalid" | "network" | "other";

/** One part of a request at fault, as a 422's `errors[]` names it (`query.min_price`). */
export type FieldProblem = { location: string; message: string };

/** A failed call: its kind, HTTP status (0 when the API was not reached) and message; a 422 also lists what was at fault. */
export type Failure = {
	kind: FailureKind;
	status: number;
	message: string;
	retryAfterSeconds?: number;
	errors?: FieldProblem[];
};

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), if it has one. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
	const value = header?.trim();
	if (!value) return undefined;
	if (/^\d+$/.test(value)) return Number(value);
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const sentence = (text: string) => (text && !/[.!?]$/.test(text) ? `${text}.` : text);

/** A problem's `errors[]`, keeping only well-formed entries. */
function fieldProblems(errors: unknown): FieldProblem[] {
	if (!Array.isArray(errors)) return [];
	return (errors as unknown[]).flatMap((e) => {
		const { location, message } = e && typeof e === "object" ? (e as Record<string, unknown>) : {};
		return typeof location === "string" && typeof message === "string" ? [{ location, message }] : [];
	});
}

/** Describes a non-2xx answer from its status, body and Retry-After header. */
export function describeFailure(status: number, body: unknown, retryAfterHeader: string | null): Failure {
	const problem = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
	const detail = sentence(typeof problem.detail === "string" ? problem.detail.trim() : "");
	const title = typeof problem.title === "string" ? problem.title : "";
	const retry = retryAfterSeconds(retryAfterHeader);
	const join = (...parts: string[]) => parts.filter(Boolean).join(" ");
	switch (status) {
		case 401:
			return {
				kind: "auth",
				status,
				message: join("The API did not accept this key (401).", detail || "Check it and paste it again."),
			};
		case 403:
			return {
				kind: "auth",
				status,
				message: join("This key is not allowed (403).", detail, "Ask for a new key or use another one."),
			};
		case 429:
			return {
				kind: "rate_limited",
				status,
				...(retry === undefined ? {} : { retryAfterSeconds: retry }),
				message: join(
					`Too many requests with this key (429): wait ${retry === undefined ? "a little" : `${retry} s`},`,
					"then press Refresh.",
				),
			};
		case 503:
			if (problem.code === "model_unavailable")
				return {
					kind: "no_model",
					status,
					message: join(
						"No model is serving yet (503).",
						detail,
						"Cards and charts appear once a pipeline run has published prices.",
					),
				};
			return {
				kind: "unavailable",
				status,
				...(retry === undefined ? {} : { retryAfterSeconds: retry }),
				message: join(
					"The service is unavailable (503).",
					detail,
					retry === undefined ? "" : `Try again in ${retry} s.`,
				),
			};
		case 422: {
			const errors = fieldProblems(problem.errors);
			return {
				kind: "invalid",
				status,
				errors,
				message: join(
					"The API refused the request (422).",
					errors.length ? errors.map((e) => sentence(`${e.location}: ${e.message}`)).join(" ") : detail,
				),
			};
		}
		default:
			return {
				kind: "other",
				status,
				message: join(`The API answered ${status}${title ? ` (${title})` : ""}.`, detail),
			};
	}
}

/** A call that never got an answer (offline, DNS, the Worker down). */
export function networkFailure(error: unknown): Failure {
	const reason = error instanceof Error ? error.message : String(error);
	return { kind: "network", status: 0, message: `Could not reach the API: ${reason}.` };
}
