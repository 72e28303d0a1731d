/**
 * JSON text in the layout of Python's `json.dumps` defaults, which is how the feed's files are
 * written: `", "` and `": "` separators on one line, non-ASCII escaped as `\uXXXX`, and floats
 * always with a decimal point (`55.0`), so a consumer meets the real bytes, not JSON.stringify's.
 */

/** A JSON value with its floats marked, so integers and floats print as Python prints them. */
export type PyValue =
	| string
	| number
	| boolean
	| null
	| PyFloat
	| readonly PyValue[]
	| { readonly [k: string]: PyValue };

/** A number Python holds as a float (prices): printed with a decimal point. */
export class PyFloat {
	constructor(readonly value: number) {}
}

/** A float, or null, as `json.dumps` prints it. */
export function pyFloat(value: number | null): string {
	if (value === null) return "null";
	if (!Number.isFinite(value)) throw new RangeError(`not a finite float: ${value}`);
	const text = String(value);
	// Python writes 1e-05 and 1e+16 where JavaScript writes 1e-5 and 1e+16; prices never come near.
	return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A string as `json.dumps` prints it (ensure_ascii: every code unit above 0x7e escaped). */
export function pyString(value: string): string {
	return JSON.stringify(value).replace(
		/[\u007f-\uffff]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
	);
}

/** Any value as `json.dumps` prints it. */
export function pyJson(value: PyValue): string {
	if (value === null) return "null";
	if (value instanceof PyFloat) return pyFloat(value.value);
	switch (typeof value) {
		case "string":
			return pyString(value);
		case "boolean":
			return value ? "true" : "false";
		case "number":
			if (!Number.isSafeInteger(value)) throw new RangeError(`integers only here (mark floats): ${value}`);
			return String(value);
	}
	if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
	const entries = Object.entries(value as { readonly [k: string]: PyValue });
	return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyJson(v)}`).join(", ")}}`;
}
