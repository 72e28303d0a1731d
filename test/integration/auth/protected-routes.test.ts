import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_PATHS } from "../../../src/api/middleware/auth";
import { app } from "../../../src/index";
import { generateApiKey } from "../../../src/keys/api-keys";
import { KeyStore } from "../../../src/keys/store";
import { api } from "../../helpers/api";
import { issueKey } from "../../helpers/keys";
import { resetModels, seedServing } from "../../helpers/model";
import { authSuite, protectedRoutes, type SuiteKeys } from "./shared-auth-suite";

// Derived from the app itself, so a route added later gets the suite without anyone listing it.
const routes = protectedRoutes(app.routes);

let keys: SuiteKeys;

beforeAll(async () => {
	// A model is serving, so a valid key reaches real answers rather than 503s.
	await resetModels();
	await seedServing();
	const revoked = await issueKey({ scopes: ["read", "admin"], name: "suite revoked" });
	await new KeyStore(env.API_KEYS).revoke(revoked.record.id);
	keys = {
		read: (await issueKey({ scopes: ["read"], name: "suite reader" })).key,
		admin: (await issueKey({ scopes: ["admin"], name: "suite admin" })).key,
		revoked: revoked.key,
		expired: (await issueKey({ scopes: ["read", "admin"], expires_at: "2020-01-01T00:00:00.000Z" })).key,
		unknown: generateApiKey("test"),
	};
});

describe("the protected routes", () => {
	it("are derived from the app's routes and include the known ones", () => {
		const listed = routes.map((r) => `${r.method} ${r.template}`);
		expect(listed.length).toBeGreaterThanOrEqual(12);
		expect(listed).toEqual(
			expect.arrayContaining([
				"POST /v1/fair-price",
				"GET /v1/cards/:card_id/fair-price",
				"POST /v1/fair-price/batch",
				"GET /v1/cards",
				"GET /v1/cards/:card_id/history",
				"GET /v1/signals",
				"POST /fair_price",
				"GET /cards",
				"POST /v1/admin/keys",
				"GET /v1/admin/keys",
				"DELETE /v1/admin/keys/:id",
				"POST /v1/admin/keys/:id/rotate",
			]),
		);
		for (const path of PUBLIC_PATHS) expect(routes.some((r) => r.template === path)).toBe(false);
		expect(routes.filter((r) => r.scope === "admin").map((r) => r.template)).toEqual(
			expect.arrayContaining(["/v1/admin/keys", "/v1/admin/keys/:id", "/v1/admin/keys/:id/rotate"]),
		);
	});

	it("cover every operation of the OpenAPI document that is not public", async () => {
		const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
		const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
			Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
		);
		const listed = new Set(routes.map((r) => `${r.method} ${r.template}`));
		const unprotected = documented.filter((op) => !listed.has(op));
		expect(unprotected.sort()).toEqual(["GET /health", "GET /v1/health"]);
	});
});

for (const route of routes) authSuite(route, () => keys);
