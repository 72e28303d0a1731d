/**
 * `npm run check:imports [-- DIR]`: no circles in the import graph of src/ (or DIR), between
 * files or between folders (an import that runs back up: a domain importing one that imports
 * it). Exits 1 naming each circle and the imports that make it.
 */
import { join, resolve } from "node:path";
import { runCli } from "./lib/api-client";
import { checkImports, importGraph } from "./lib/import-graph";
import { ROOT } from "./lib/local";

async function main(): Promise<number> {
	const src = process.argv[2] ? resolve(process.argv[2]) : join(ROOT, "src");
	const name = process.argv[2] ?? "src/";
	const found = checkImports(importGraph(src));
	for (const c of found.fileCircles) console.log(`circle of files: ${c.join(" <-> ")}`);
	for (const c of found.folderCircles) console.log(`circle of folders: ${c.join(" <-> ")}`);
	for (const e of found.backUp) console.log(`  import in a folder circle: ${e}`);
	const ok = found.fileCircles.length === 0 && found.folderCircles.length === 0;
	console.log(
		ok
			? `${name}: ${found.files} files, no circle between files or folders.`
			: `${name}: ${found.fileCircles.length} file circle(s), ${found.folderCircles.length} folder circle(s).`,
	);
	return ok ? 0 : 1;
}

await runCli(main);
