import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { checkImports, folderGraph, importGraph } from "../../scripts/lib/import-graph";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";

const run = (...args: string[]) =>
	promisify(execFile)(bin("tsx"), ["scripts/check-imports.ts", ...args], { cwd: ROOT, env: childEnv() });

/** A throwaway source tree: path → contents. */
function tree(files: Record<string, string>): string {
	const root = mkdtempSync(join(tmpdir(), "pokewatch-imports-"));
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
	made.push(root);
	return root;
}
const made: string[] = [];
afterAll(() => {
	for (const root of made) rmSync(root, { recursive: true, force: true });
});

describe("the import graph of src/", () => {
	it("has no circle between files or folders", () => {
		const found = checkImports(importGraph(join(ROOT, "src")));
		expect(found.files).toBeGreaterThan(100);
		expect(found.fileCircles).toEqual([]);
		expect(found.folderCircles).toEqual([]);
	});

	it("puts keys, limits and prices in their own folders, importing no folder above them", () => {
		const folders = folderGraph(importGraph(join(ROOT, "src")));
		expect([...(folders.get("keys") ?? [])].sort()).not.toContain("api");
		for (const domain of ["keys", "limits", "prices"]) {
			const below = folders.get(domain) ?? new Set();
			for (const upper of ["api", "pipeline", "index.ts"])
				expect(below.has(upper), `${domain} -> ${upper}`).toBe(false);
		}
		expect(folders.has("durable-objects")).toBe(false);
	});
});

describe("checkImports", () => {
	it("finds a circle between two files, through a type-only import and an index", () => {
		const root = tree({
			"a/one.ts": 'import type { Two } from "./two";\nexport type One = Two;\n',
			"a/two.ts": 'export { x } from "./three/index";\nexport type Two = 2;\n',
			"a/three/index.ts": 'import { y } from "../one.ts";\nexport const x = y;\n',
		});
		const found = checkImports(importGraph(root));
		expect(found.fileCircles).toEqual([["a/one.ts", "a/three/index.ts", "a/two.ts"]]);
		expect(found.folderCircles).toEqual([]);
	});

	it("finds folders that import each other round a loop and names the imports that make it", () => {
		const root = tree({
			"db/rows.ts": 'import { card } from "../prices/cards";\nexport const row = card;\n',
			"prices/cards.ts": 'export const card = 1;\nexport const later = () => import("../pipeline/run");\n',
			"pipeline/run.ts": 'import { row } from "../db/rows";\nexport const run = row;\n',
			"lib/leaf.ts": "export const leaf = 0;\n",
			"index.ts":
				'import { run } from "./pipeline/run";\nimport { leaf } from "./lib/leaf";\nexport default [run, leaf];\n',
		});
		const found = checkImports(importGraph(root));
		expect(found.fileCircles).toEqual([["db/rows.ts", "pipeline/run.ts", "prices/cards.ts"]]);
		expect(found.folderCircles).toEqual([["db", "pipeline", "prices"]]);
		expect(found.backUp.sort()).toEqual([
			"db/rows.ts -> prices/cards.ts",
			"pipeline/run.ts -> db/rows.ts",
			"prices/cards.ts -> pipeline/run.ts",
		]);
	});

	it("passes a tree whose folders stand on floors", () => {
		const root = tree({
			"db/rows.ts": "export const row = 1;\n",
			"prices/cards.ts": 'import { row } from "../db/rows";\nexport const card = row;\n',
			"pipeline/run.ts":
				'import { card } from "../prices/cards";\nimport { row } from "../db/rows";\nexport const run = card + row;\n',
		});
		const found = checkImports(importGraph(root));
		expect(found).toMatchObject({ files: 3, fileCircles: [], folderCircles: [], backUp: [] });
	});
});

describe("npm run check:imports", () => {
	it("says src/ is clean and exits 0", async () => {
		const { stdout } = await run();
		expect(stdout).toMatch(/^src\/: \d+ files, no circle between files or folders\.$/m);
	});

	it("exits 1 on a tree with a circle, naming it", async () => {
		const root = tree({
			"keys/store.ts": 'import type { W } from "./writer";\nexport type S = W;\n',
			"keys/writer.ts": 'import type { S } from "./store";\nexport type W = S;\n',
		});
		const failed = await run(root).then(
			() => null,
			(e: { code: number; stdout: string }) => e,
		);
		expect(failed?.code).toBe(1);
		expect(failed?.stdout).toContain("circle of files: keys/store.ts <-> keys/writer.ts");
		expect(failed?.stdout).toContain("1 file circle(s), 0 folder circle(s).");
	});
});
