import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { corsPolicy, securityHeaders } from "../../../../src/api/middleware/security";
import { renderProblem, toApiError } from "../../../../src/api/problem";
import { DOCS_CSP } from "../../../../src/api/routes/docs";
import type { Config } from "../../../../src/config";
import type { AppEnv } from "../../../../src/context";

/** The middleware under test with a fixed CORS allowlist, and a route that fails. */
function appWith(origins: string[]) {
	const app = new Hono<AppEnv>();
	app.use(async (c, next) => {
		c.set("requestId", "security-test");
		c.set("config", { CORS_ORIGINS: origins } as Config);
		await next();
	});
	app.use(securityHeaders());
	app.use(corsPolicy());
	app.get("/docs", (c) => c.html("<!doctype html>"));
	app.get("/thing", (c) => c.json({ ok: true }));
	app.get("/fail", () => {
		throw new Error("boom");
	});
	app.onError((error, c) => renderProblem(c, toApiError(error)));
	return app;
}

describe("securityHeaders", () => {
	it("sets the API CSP everywhere but /docs, errors included", async () => {
		const app = appWith([]);
		for (const path of ["/thing", "/fail", "/nothing"]) {
			const res = await app.request(path);
			expect(res.headers.get("Content-Security-Policy"), path).toMatch(/^default-src 'none';/);
			expect(res.headers.get("X-Frame-Options"), path).toBe("DENY");
			expect(res.headers.get("Strict-Transport-Security"), path).toMatch(/^max-age=31536000/);
		}
		expect((await app.request("/docs")).headers.get("Content-Security-Policy")).toBe(DOCS_CSP);
	});

	it("gives /docs scripts from 'self' only, with no inline or eval allowance", () => {
		const script = DOCS_CSP.split(";")
			.map((d) => d.trim())
			.find((d) => d.startsWith("script-src"));
		expect(script).toBe("script-src 'self'");
		expect(DOCS_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
	});
});

describe("corsPolicy", () => {
	it("echoes only listed origins", async () => {
		const app = appWith(["https://a.example", "https://b.example"]);
		for (const origin of ["https://a.example", "https://b.example"])
			expect(
				(await app.request("/thing", { headers: { Origin: origin } })).headers.get("Access-Control-Allow-Origin"),
			).toBe(origin);
		const other = await app.request("/thing", { headers: { Origin: "https://c.example" } });
		expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
	});

	it('echoes any origin with "*" (development only, which config enforces)', async () => {
		const app = appWith(["*"]);
		const res = await app.request("/thing", { headers: { Origin: "http://localhost:5173" } });
		expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
		// No Origin, no browser to answer: no CORS headers, but caches still know it varies by Origin.
		const plain = await app.request("/thing");
		expect(plain.headers.get("Access-Control-Allow-Origin")).toBeNull();
		expect(plain.headers.get("Vary")).toContain("Origin");
	});

	it("allows nobody with an empty list", async () => {
		const res = await appWith([]).request("/thing", {
			method: "OPTIONS",
			headers: { Origin: "https://a.example", "Access-Control-Request-Method": "GET" },
		});
		expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
	});
});
