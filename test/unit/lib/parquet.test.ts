import { describe, expect, it } from "vitest";
import { columnReader, readColumns, writeColumns } from "../../../src/lib/parquet";

const buffer = (bytes: Uint8Array) => bytes.slice().buffer;

describe("writeColumns / readColumns", () => {
	it("keeps row order across row groups", async () => {
		const n = 2500;
		const data = Array.from({ length: n }, (_, i) => i * 1.5);
		const back = await readColumns(buffer(writeColumns([{ name: "x", type: "DOUBLE", data }])));
		expect(back.x).toEqual(data);
	});

	it("reads only the columns asked for, ignoring names the file does not have", async () => {
		const file = buffer(
			writeColumns([
				{ name: "a", type: "STRING", data: ["x", "y"] },
				{ name: "b", type: "INT32", data: [1, 2] },
				{ name: "c", type: "DOUBLE", data: [0.5, Number.NaN] },
			]),
		);
		expect(await readColumns(file, ["c", "a", "missing"])).toEqual({ a: ["x", "y"], c: [0.5, Number.NaN] });
		expect(Object.keys(await readColumns(file))).toEqual(["a", "b", "c"]);
		expect(await readColumns(file, [])).toEqual({});
	});
});

describe("columnReader", () => {
	it("reads a column into a typed array and leaves a column the file lacks as it was", async () => {
		const reader = columnReader(buffer(writeColumns([{ name: "p", type: "DOUBLE", data: [1.5, 2.5, 3.5] }])));
		expect(reader.rows).toBe(3);
		expect([...reader.names]).toEqual(["p"]);
		const into = new Float64Array(3);
		await reader.readInto("p", into);
		expect([...into]).toEqual([1.5, 2.5, 3.5]);
		const untouched = new Float64Array([7, 7, 7]);
		await reader.readInto("missing", untouched);
		expect([...untouched]).toEqual([7, 7, 7]);
	});
});
