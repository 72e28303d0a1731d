/**
 * The import graph of a source tree, read from its files' `import`/`export … from`/`import()`
 * specifiers (type-only imports included: they tie modules as much as values do). It finds
 * circles between files and between folders: a folder (the first level under the root, each
 * file directly at the root its own) that imports another which imports it back, directly or
 * round a loop, has an import that runs back up its floors.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** One file's imports of other files of the tree (relative paths from the root). */
export type ImportGraph = Map<string, Set<string>>;

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)["'](\.{1,2}\/[^"']+)["']/gm;

function sourceFiles(dir: string, skip: ReadonlySet<string>): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (skip.has(path)) continue;
		if (statSync(path).isDirectory()) out.push(...sourceFiles(path, skip));
		else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
	}
	return out;
}

function resolve(from: string, specifier: string): string | null {
	const base = join(dirname(from), specifier.split("?")[0] as string);
	for (const candidate of [base, `${base}.ts`, join(base, "index.ts")])
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	return null;
}

/** The graph of every source file under `root` (paths relative to it), leaving out `skip` (absolute). */
export function importGraph(root: string, skip: readonly string[] = []): ImportGraph {
	const graph: ImportGraph = new Map();
	for (const file of sourceFiles(root, new Set(skip))) {
		const edges = new Set<string>();
		for (const m of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
			const target = resolve(file, m[1] as string);
			if (target?.startsWith(root + sep)) edges.add(relative(root, target));
		}
		graph.set(relative(root, file), edges);
	}
	return graph;
}

/** Strongly connected components with more than one member (or a member importing itself): the circles. */
export function circles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
	let index = 0;
	const order = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const on = new Set<string>();
	const out: string[][] = [];
	const visit = (v: string) => {
		order.set(v, index);
		low.set(v, index++);
		stack.push(v);
		on.add(v);
		for (const w of graph.get(v) ?? []) {
			if (!order.has(w)) {
				visit(w);
				low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
			} else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, order.get(w) as number));
		}
		if (low.get(v) === order.get(v)) {
			const scc: string[] = [];
			let w: string;
			do {
				w = stack.pop() as string;
				on.delete(w);
				scc.push(w);
			} while (w !== v);
			if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
		}
	};
	for (const v of [...graph.keys()].sort()) if (!order.has(v)) visit(v);
	return out;
}

/** A file's folder: its first path segment, or the file itself when it sits at the root. */
export const folderOf = (file: string) => (file.includes("/") ? (file.split("/")[0] as string) : file);

/** The folder graph: an edge for every import between files of two different folders. */
export function folderGraph(graph: ImportGraph): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	for (const [file, edges] of graph) {
		const from = folderOf(file);
		if (!out.has(from)) out.set(from, new Set());
		for (const to of edges) if (folderOf(to) !== from) (out.get(from) as Set<string>).add(folderOf(to));
	}
	return out;
}

/** What the check finds: file circles, folder circles, and the imports that make each folder circle. */
export function checkImports(graph: ImportGraph) {
	const fileCircles = circles(graph);
	const folderCircles = circles(folderGraph(graph));
	const backUp = folderCircles.flatMap((members) => {
		const inCircle = new Set(members);
		return [...graph].flatMap(([file, edges]) =>
			[...edges]
				.filter((to) => folderOf(to) !== folderOf(file) && inCircle.has(folderOf(file)) && inCircle.has(folderOf(to)))
				.map((to) => `${file} -> ${to}`),
		);
	});
	return { files: graph.size, fileCircles, folderCircles, backUp };
}
