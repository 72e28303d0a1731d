import { expect } from "vitest";
import { CsvImportError } from "../../src/lib/csv";

/** The CsvImportError `fn` throws (failing the test when it throws nothing or something else). */
export function importError(fn: () => unknown): CsvImportError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(CsvImportError);
		return error as CsvImportError;
	}
	throw new Error("expected a CsvImportError");
}
