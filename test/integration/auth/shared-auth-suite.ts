import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PUBLIC_PATHS } from "../../../src/api/middleware/auth";
import type { Scope } from "../../../src/keys/api-keys";
import { expectProblem, ORIGIN } from "../../helpers/api";

/** A route that needs a key: its method, a concrete path, and the scope it needs. */
export type ProtectedRoute = { method: string; template: string; path: string; scope: Scope };

/** The keys the suite presents, registered by the caller before the tests run. */
export type SuiteKeys = {
	/** `read` only. */
	read: string;
	/** `admin` only. */
	admin: string;
	/** Both scopes, revoked. */
	revoked: string;
	/** Both scopes, expired. */
	expired: string;
	/** Well formed, never registered. */
	unknown: string;
};

// Concrete values for path parameters: well formed, so only auth can be what answers.
const PARAMS: Record<string, string> = { card_id: "sv03-223-charizard-ex", id: "key_authSuite0001" };

/**
 * Every non-public route of a Hono app (from `app.routes`), with its parameters filled in and
 * the scope it needs: `admin` under /v1/admin/, `read` elsewhere.
 */
export function protectedRoutes(routes: readonly { method: string; path: string }[]): ProtectedRoute[] {
	const seen = new Set<string>();
	const out: ProtectedRoute[] = [];
	for (const { method, path } of routes) {
		// Middleware is registered as ALL; HEAD follows GET.
		if (method === "ALL" || method === "HEAD" || PUBLIC_PATHS.has(path)) continue;
		const id = `${method} ${path}`;
		if (seen.has(id)) continue;
		seen.add(id);
		out.push({
			method,
			template: path,
			path: path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? "x"),
			scope: path.startsWith("/v1/admin/") ? "admin" : "read",
		});
	}
	return out;
}

/**
 * Sends the route's request with exactly `headers` (not the suite's default key). Writes carry a
 * body that is not even JSON: past auth it can only be refused, so no route acts on it.
 */
function send(route: ProtectedRoute, headers: Record<string, string>) {
	const hasBody = route.method === "POST" || route.method === "PUT" || route.method === "PATCH";
	return exports.default.fetch(`${ORIGIN}${route.path}`, {
		method: route.method,
		headers: hasBody ? { ...headers, "content-type": "application/json" } : headers,
		...(hasBody ? { body: "{" } : {}),
	});
}

/** The parts of a 401 that must not depend on why the key was refused. */
const sameWords = async (res: Response) => {
	const problem = await expectProblem(res, 401, "unauthorized");
	expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="pokewatch"');
	const { instance: _instance, ...rest } = problem;
	return rest;
};

/**
 * The one auth suite every protected route gets: missing, malformed, unknown, revoked, expired
 * and under-scoped keys are refused with the right problem; a valid key gets past auth.
 */
export function authSuite(route: ProtectedRoute, keys: () => SuiteKeys) {
	describe(`${route.method} ${route.template} (needs "${route.scope}")`, () => {
		it("401 without a key", async () => {
			const missing = await sameWords(await send(route, {}));
			expect(missing.detail).toMatch(/API key is required/);
		});

		it("401 for a malformed key, in the same words as a missing one", async () => {
			const missing = await sameWords(await send(route, {}));
			const malformed: Record<string, string>[] = [
				{ "X-API-Key": "pk_test_short" },
				{ "X-API-Key": keys().read.replace("pk_test_", "pk_live_") },
				{ Authorization: "Basic dXNlcjpwYXNz" },
				{ Authorization: `Bearer ${keys().read}!` },
			];
			for (const headers of malformed) expect(await sameWords(await send(route, headers))).toEqual(missing);
		});

		it("401 for an unknown key, in the same words as a missing one", async () => {
			const missing = await sameWords(await send(route, {}));
			expect(await sameWords(await send(route, { "X-API-Key": keys().unknown }))).toEqual(missing);
			expect(await sameWords(await send(route, { Authorization: `Bearer ${keys().unknown}` }))).toEqual(missing);
		});

		it("403 for a revoked key", async () => {
			const problem = await expectProblem(await send(route, { "X-API-Key": keys().revoked }), 403, "forbidden");
			expect(problem.detail).toMatch(/revoked/);
		});

		it("403 for an expired key", async () => {
			const problem = await expectProblem(await send(route, { "X-API-Key": keys().expired }), 403, "forbidden");
			expect(problem.detail).toMatch(/expired/);
		});

		it(`403 for a key without the "${route.scope}" scope`, async () => {
			const wrong = route.scope === "admin" ? keys().read : keys().admin;
			const problem = await expectProblem(await send(route, { "X-API-Key": wrong }), 403, "forbidden");
			expect(problem.detail).toContain(`"${route.scope}"`);
		});

		it("gets past auth with a valid key, as X-API-Key or Bearer, with rate-limit headers", async () => {
			const key = route.scope === "admin" ? keys().admin : keys().read;
			const ways: Record<string, string>[] = [{ "X-API-Key": key }, { Authorization: `Bearer ${key}` }];
			for (const headers of ways) {
				const res = await send(route, headers);
				expect([401, 403], await res.clone().text()).not.toContain(res.status);
				expect(res.headers.get("X-RateLimit-Limit")).toBe("1000000");
				expect(res.headers.get("RateLimit")).toMatch(/^"burst";r=\d+;t=\d+$/);
			}
		});
	});
}
