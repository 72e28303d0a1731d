import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";
import { mountDocs } from "../../src/api/routes/docs";
import type { AppEnv } from "../../src/context";

// Static assets are served before the Worker runs, so the workerd tests cannot fetch them: this
// checks on disk that every script the /docs page loads is there to be served from our origin.

describe("the /docs page's assets", () => {
	it("exist under public/ after scripts/build-assets.ts for every script and stylesheet the page loads", async () => {
		await promisify(execFile)(bin("tsx"), ["scripts/build-assets.ts"], { cwd: ROOT, env: childEnv() });
		const app = new OpenAPIHono<AppEnv>();
		mountDocs(app);
		const html = await (await app.request("/docs")).text();
		const urls = [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"/gi)].map((m) => m[1] as string);
		expect(urls).toEqual(
			expect.arrayContaining([
				"/vendor/swagger-ui/swagger-ui-bundle.js",
				"/docs/init.js",
				"/vendor/swagger-ui/swagger-ui.css",
			]),
		);
		// The empty `data:,` favicon loads nothing; everything else is a file of ours.
		for (const url of urls.filter((u) => u !== "data:,")) {
			expect(url, url).toMatch(/^\/(?!\/)/);
			expect((await stat(join(ROOT, "public", url))).size, url).toBeGreaterThan(0);
		}
	});

	it("get the security headers from public/_headers, since the Worker's middleware never sees them", async () => {
		const rules = await readFile(join(ROOT, "public", "_headers"), "utf8");
		const all = rules.slice(rules.indexOf("/*"));
		for (const header of [
			"X-Content-Type-Options: nosniff",
			"X-Frame-Options: DENY",
			"Strict-Transport-Security: max-age=31536000; includeSubDomains",
			"Referrer-Policy: no-referrer",
		])
			expect(all).toContain(header);
	});
});
