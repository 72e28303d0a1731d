/** Helpers for writing many rows to D1 within its statement and batch limits. */

// D1 allows 100 bound parameters per statement; batches are kept well under their size limit.
const MAX_PARAMS = 100;
const MAX_BATCH = 50;

/** Runs statements in batches (each batch is one transaction). */
export async function runBatched(db: D1Database, statements: readonly D1PreparedStatement[]): Promise<void> {
	for (let i = 0; i < statements.length; i += MAX_BATCH) await db.batch(statements.slice(i, i + MAX_BATCH));
}

/**
 * Multi-row INSERT statements for `rows`, as many rows per statement as the parameter limit
 * allows. `head` is `INSERT INTO t (a, b)` and `tail` the conflict clause.
 */
export function insertRows(
	db: D1Database,
	head: string,
	tail: string,
	rows: readonly (readonly unknown[])[],
): D1PreparedStatement[] {
	const width = rows[0]?.length ?? 0;
	if (width === 0) return [];
	const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
	const out: D1PreparedStatement[] = [];
	for (let i = 0; i < rows.length; i += perStatement) {
		const chunk = rows.slice(i, i + perStatement);
		const values = chunk.map(() => `(${new Array(width).fill("?").join(", ")})`).join(", ");
		out.push(db.prepare(`${head} VALUES ${values} ${tail}`).bind(...chunk.flat()));
	}
	return out;
}

/**
 * D1 refuses a string parameter over 2 MB (`SQLITE_TOOBIG`): rows bound as one JSON array
 * (`json_each(?)`) go in slices whose JSON stays under `maxBytes`, each a statement of its own.
 */
export const JSON_PARAM_BYTES = 500_000;

/** The JSON arrays of consecutive slices of `rows`, each under `maxBytes` (a single larger row stands alone). */
export function jsonSlices(rows: readonly unknown[], maxBytes = JSON_PARAM_BYTES): string[] {
	const out: string[] = [];
	let slice: string[] = [];
	let bytes = 2;
	for (const row of rows) {
		const text = JSON.stringify(row);
		const size = new TextEncoder().encode(text).length + 1;
		if (slice.length > 0 && bytes + size > maxBytes) {
			out.push(`[${slice.join(",")}]`);
			slice = [];
			bytes = 2;
		}
		slice.push(text);
		bytes += size;
	}
	if (slice.length > 0) out.push(`[${slice.join(",")}]`);
	return out;
}
