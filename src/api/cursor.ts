import { ApiError } from "../errors";

/** An opaque page cursor: the sort key of the last item, base64url-encoded JSON. */
export function encodeCursor(parts: readonly string[]): string {
	const bytes = new TextEncoder().encode(JSON.stringify(parts));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replaceAll("=", "");
}

/** The parts of a cursor this API issued, or a 422 naming `query.cursor`. */
export function decodeCursor(cursor: string, size: number): string[] {
	try {
		const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
		const parts: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
		if (Array.isArray(parts) && parts.length === size && parts.every((p) => typeof p === "string")) return parts;
	} catch {
		// fall through to the validation error
	}
	throw new ApiError("validation_failed", "query.cursor: is not a cursor this API issued", {
		errors: [{ location: "query.cursor", message: "is not a cursor this API issued" }],
	});
}

/**
 * One page of a list read with `limit + 1` rows: the first `limit` of them, and the cursor of the
 * next page (the sort key of the last row kept) when there was one more.
 */
export function pageOf<T>(
	rows: readonly T[],
	limit: number,
	sortKey: (row: T) => readonly string[],
): { page: T[]; next_cursor: string | null } {
	const page = rows.slice(0, limit);
	const last = page.at(-1);
	return { page, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(sortKey(last)) : null };
}
