/**
 * Fills public/vendor/ (git-ignored) with the browser files the Worker serves as static assets:
 * Swagger UI for /docs, from the swagger-ui-dist package, so /docs needs no CDN. Runs before
 * start, dev, test and deploy.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./lib/local";

const vendor = join(ROOT, "public", "vendor");
const swagger = join(ROOT, "node_modules", "swagger-ui-dist");

await mkdir(join(vendor, "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
	await copyFile(join(swagger, file), join(vendor, "swagger-ui", file));
}
