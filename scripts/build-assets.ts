/**
 * Fills the git-ignored folders of public/ with the browser files the Worker serves as static
 * assets, so no page needs a CDN:
 * - public/vendor/: Swagger UI for /docs, from the swagger-ui-dist package;
 * - public/app/: the operator dashboard (GET /), src/dashboard/ bundled with uPlot by esbuild.
 * Runs before start, dev, test and deploy (`npm run build:assets` on its own).
 */
import { copyFile, mkdir, rename, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./lib/local";

const vendor = join(ROOT, "public", "vendor");
const swagger = join(ROOT, "node_modules", "swagger-ui-dist");

await mkdir(join(vendor, "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
	await copyFile(join(swagger, file), join(vendor, "swagger-ui", file));
}

// The dashboard: one script and one stylesheet (uPlot's included), minified, with source maps.
const app = join(ROOT, "public", "app");
const dashboard = join(ROOT, "src", "dashboard");
const result = await build({
	entryPoints: [
		{ in: join(dashboard, "main.ts"), out: "dashboard" },
		{ in: join(dashboard, "styles.css"), out: "dashboard" },
	],
	outdir: app,
	bundle: true,
	minify: true,
	sourcemap: "linked",
	format: "esm",
	platform: "browser",
	target: ["es2022", "chrome110", "firefox110", "safari16"],
	tsconfig: join(dashboard, "tsconfig.json"),
	write: false,
	logLevel: "warning",
});
await mkdir(app, { recursive: true });
// Write-then-rename: a Worker serving public/ meanwhile never reads a half-written file.
for (const file of result.outputFiles) {
	const temporary = join(app, `.${basename(file.path)}.${process.pid}.tmp`);
	await writeFile(temporary, file.contents);
	await rename(temporary, file.path);
}
