import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { api, expectProblem, postJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";

const ALLOWED = "https://app.pokewatch.test";

/** The headers every answer carries, from the Worker's security middleware. */
function expectSecurityHeaders(res: Response) {
	expect(res.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
	expect(res.headers.get("X-Frame-Options")).toBe("DENY");
	expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
	expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
	expect(res.headers.get("Permissions-Policy")).toBe("camera=(), microphone=(), geolocation=(), payment=(), usb=()");
}

/** A CSP as a map of directive -> sources. */
const directives = (csp: string | null) =>
	new Map(
		(csp ?? "")
			.split(";")
			.map((d) => d.trim().split(/\s+/))
			.filter((parts) => parts[0])
			.map(([name, ...sources]) => [name as string, sources]),
	);

describe("security headers", () => {
	it("are on successes, refusals and errors alike, with a CSP that loads nothing", async () => {
		const answers = [
			await api("/openapi.json"),
			await api("/v1/cards", { headers: { "X-API-Key": "" } }), // 401
			await api("/v1/nothing"), // 404
			await postJson("/v1/fair-price", { card_id: 1 }), // 422
		];
		expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 422]);
		for (const res of answers) {
			expectSecurityHeaders(res);
			const csp = directives(res.headers.get("Content-Security-Policy"));
			expect(csp.get("default-src")).toEqual(["'none'"]);
			expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
			expect(csp.has("script-src")).toBe(false);
			await res.body?.cancel();
		}
	});

	it("/docs has its own CSP: scripts from 'self' only, nothing inline or remote", async () => {
		const res = await api("/docs", { headers: { "X-API-Key": "" } });
		expect(res.status).toBe(200);
		expectSecurityHeaders(res);
		const csp = directives(res.headers.get("Content-Security-Policy"));
		expect(csp.get("script-src")).toEqual(["'self'"]);
		expect(csp.get("default-src")).toEqual(["'none'"]);
		expect(csp.get("connect-src")).toEqual(["'self'"]);
		expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
		for (const sources of csp.values()) {
			expect(sources).not.toContain("*");
			expect(sources.filter((s) => /^https?:/.test(s))).toEqual([]);
		}
		expect(res.headers.get("Content-Security-Policy")).not.toBe(
			(await api("/openapi.json")).headers.get("Content-Security-Policy"),
		);

		const html = await res.text();
		const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
		expect(scripts.length).toBeGreaterThan(0);
		const sources = scripts.map(([, attributes]) => /\bsrc="([^"]+)"/.exec(attributes ?? "")?.[1]);
		expect(sources).toEqual(["/vendor/swagger-ui/swagger-ui-bundle.js", "/docs/init.js"]);
		for (const [, , body] of scripts) expect(body?.trim()).toBe("");
		// No inline handlers either, and every stylesheet is our own.
		expect(html).not.toMatch(/\son\w+=/i);
		// Every stylesheet is our own; the only other link is the empty favicon, which loads nothing.
		for (const [, href] of html.matchAll(/<link\b[^>]*href="([^"]+)"/gi)) expect(href).toMatch(/^(\/(?!\/)|data:,$)/);
	});
});

describe("CORS", () => {
	it("echoes an allowed origin on a preflight, without asking for a key", async () => {
		const res = await api("/v1/fair-price", {
			method: "OPTIONS",
			headers: {
				"X-API-Key": "",
				Origin: ALLOWED,
				"Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "x-api-key, content-type",
			},
		});
		expect(res.status).toBe(204);
		expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
		const allowHeaders = (res.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase().split(",");
		expect(allowHeaders).toEqual(expect.arrayContaining(["x-api-key", "authorization", "content-type"]));
		expect(res.headers.get("Access-Control-Allow-Methods")?.split(",")).toEqual(
			expect.arrayContaining(["GET", "POST", "DELETE"]),
		);
		expect(res.headers.get("Vary")).toMatch(/Origin/);
	});

	it("does not echo any other origin", async () => {
		for (const origin of [
			"https://evil.example",
			"https://app.pokewatch.test.evil.example",
			"null",
			"http://app.pokewatch.test",
		]) {
			const preflight = await api("/v1/fair-price", {
				method: "OPTIONS",
				headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
			});
			expect(preflight.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
			const simple = await api("/openapi.json", { headers: { Origin: origin } });
			expect(simple.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
			await simple.body?.cancel();
		}
	});

	it("echoes an allowed origin on simple requests, refusals included, and exposes the rate-limit headers", async () => {
		const ok = await api("/v1/nothing", { headers: { Origin: ALLOWED } });
		expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
		expect(ok.headers.get("Vary")).toMatch(/Origin/);
		const exposed = (ok.headers.get("Access-Control-Expose-Headers") ?? "").split(",");
		expect(exposed).toEqual(
			expect.arrayContaining([
				"RateLimit",
				"RateLimit-Policy",
				"X-RateLimit-Limit",
				"X-RateLimit-Remaining",
				"X-RateLimit-Reset",
				"Retry-After",
				"X-Request-ID",
			]),
		);
		const refused = await api("/v1/cards", { headers: { Origin: ALLOWED, "X-API-Key": "" } });
		expect(refused.status).toBe(401);
		expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);

		const { key } = await issueKey({ burst: 1, requests_per_minute: 1 });
		await api("/v1/nothing", { headers: { "X-API-Key": key } });
		const limited = await api("/v1/nothing", { headers: { Origin: ALLOWED, "X-API-Key": key } });
		expect(limited.status).toBe(429);
		expect(limited.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
	});
});

describe("request bodies", () => {
	it("413 problem+json over MAX_BODY_BYTES, before authentication", async () => {
		const big = "x".repeat(getConfig(env).MAX_BODY_BYTES + 1);
		const without: Record<string, string>[] = [{}, { "X-API-Key": "" }];
		for (const headers of without) {
			const res = await api("/v1/fair-price", {
				method: "POST",
				headers: { ...headers, "content-type": "application/json" },
				body: big,
			});
			expectSecurityHeaders(res);
			const problem = await expectProblem(res, 413, "payload_too_large");
			expect(problem.max_bytes).toBe(getConfig(env).MAX_BODY_BYTES);
		}
	});
});
