import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { forgetIsolateLimits } from "../../../src/api/middleware/rate-limit";
import worker from "../../../src/index";
import { KV } from "../../../src/keys/store";
import { expectProblem, ORIGIN } from "../../helpers/api";
import { issueKey } from "../../helpers/keys";
import { age, limiterOf } from "../../helpers/limiter";

/** One request through the Worker's own fetch with its own execution context, waited out. */
async function call(path: string, headers: Record<string, string> = {}, bindings: Env = env) {
	const ctx = createExecutionContext();
	const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { headers }), bindings, ctx);
	return { res, settled: () => waitOnExecutionContext(ctx) };
}

describe("public routes", () => {
	it("need no key", async () => {
		for (const path of ["/health", "/openapi.json", "/docs"]) {
			const { res } = await call(path);
			expect(res.status, path).toBe(200);
			expect(res.headers.get("RateLimit")).toBeNull();
		}
		// /v1/health answers 200 or 503 depending on the model, never 401.
		expect([200, 503]).toContain((await call("/v1/health")).res.status);
	});

	it("document both ways of sending a key", async () => {
		const { res } = await call("/openapi.json");
		const doc = (await res.json()) as {
			components: { securitySchemes: Record<string, unknown> };
			security: Record<string, string[]>[];
		};
		expect(doc.components.securitySchemes).toEqual({
			ApiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
			Bearer: { type: "http", scheme: "bearer" },
		});
		expect(doc.security).toEqual([{ ApiKey: [] }, { Bearer: [] }]);
	});
});

describe("last use of a key", () => {
	it("is written after the response, at most once a minute", async () => {
		const { key, record } = await issueKey();
		const first = await call("/v1/nothing", { "X-API-Key": key });
		expect(first.res.status).toBe(404);
		await first.settled();
		const stamp = await env.API_KEYS.get(KV.lastUsed(record.id));
		expect(Date.parse(stamp ?? "")).toBeGreaterThan(Date.now() - 60_000);

		await env.API_KEYS.delete(KV.lastUsed(record.id));
		for (let i = 0; i < 3; i++) await (await call("/v1/nothing", { "X-API-Key": key })).settled();
		expect(await env.API_KEYS.get(KV.lastUsed(record.id))).toBeNull();

		await age(limiterOf(record.id), 60);
		// A minute on, the isolate's token lease (at most LEASE_SECONDS) would have ended too.
		forgetIsolateLimits();
		await (await call("/v1/nothing", { "X-API-Key": key })).settled();
		expect(await env.API_KEYS.get(KV.lastUsed(record.id))).not.toBeNull();
	});

	it("is not written for refused requests", async () => {
		const { key, record } = await issueKey({ scopes: ["read"] });
		const refused = await call("/v1/admin/keys", { "X-API-Key": key });
		await expectProblem(refused.res, 403, "forbidden");
		await refused.settled();
		expect(await env.API_KEYS.get(KV.lastUsed(record.id))).toBeNull();
	});
});

describe("AUTH_ENABLED=false", () => {
	it("lets every request through without a key, still rate limited with the default limits", async () => {
		const open = { ...env, AUTH_ENABLED: "false" } as Env;
		const { res, settled } = await call("/v1/admin/keys", {}, open);
		expect(res.status).toBe(200);
		expect(res.headers.get("RateLimit-Policy")).toBe('"burst";q=10;w=10');
		await settled();
		expect(await env.API_KEYS.get(KV.lastUsed("anonymous"))).toBeNull();
	});

	it("is refused in production: the Worker answers 500 instead of serving unauthenticated", async () => {
		const error = vi.spyOn(console, "error").mockImplementation(() => {});
		const misconfigured = { ...env, AUTH_ENABLED: "false", ENVIRONMENT: "production" } as Env;
		const { res } = await call("/v1/admin/keys", {}, misconfigured);
		const problem = await expectProblem(res, 500, "internal");
		expect(problem.detail).toBe("The service is misconfigured.");
		expect(JSON.stringify(problem)).not.toContain("AUTH_ENABLED");
		expect(String(error.mock.calls[0]?.[0])).toContain("AUTH_ENABLED: cannot be false in production");
		error.mockRestore();
	});
});
