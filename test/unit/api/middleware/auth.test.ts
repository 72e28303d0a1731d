import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../../../src/api/app";
import { authenticate, forgetValidatedKeys, PUBLIC_PATHS, presentedKey } from "../../../../src/api/middleware/auth";
import { renderProblem, toApiError } from "../../../../src/api/problem";
import { type Config, getConfig } from "../../../../src/config";
import { generateApiKey, hashApiKey } from "../../../../src/keys/api-keys";
import { KeyStore, KV } from "../../../../src/keys/store";
import { issueKey } from "../../../helpers/keys";

/** The middleware under test in a small app with the real KV namespace and problem renderer. */
function appFor(config: Partial<Config> = {}) {
	const app = createApp();
	app.use(async (c, next) => {
		c.set("requestId", "auth-test");
		c.set("config", { ...getConfig(c.env), ...config });
		await next();
	});
	app.use(authenticate());
	app.get("/v1/thing", (c) => c.json(c.get("apiKey") ?? null));
	app.get("/v1/admin/thing", (c) => c.json(c.get("apiKey") ?? null));
	for (const path of PUBLIC_PATHS) app.get(path, (c) => c.json(c.get("apiKey") ?? "public"));
	app.onError((error, c) => renderProblem(c, toApiError(error)));
	return {
		get: (path: string, headers: Record<string, string> = {}) => app.request(path, { headers }, env),
		options: (path: string) => app.request(path, { method: "OPTIONS" }, env),
	};
}

const withKey = (key: string) => ({ "X-API-Key": key });

/** Status, problem code and detail of a refusal. */
async function refusal(res: Response) {
	expect(res.headers.get("Content-Type")).toBe("application/problem+json");
	const body = (await res.json()) as { code: string; detail: string };
	return { status: res.status, code: body.code, detail: body.detail };
}

beforeEach(() => forgetValidatedKeys());
afterEach(() => vi.useRealTimers());

describe("presentedKey", () => {
	const headers = (h: Record<string, string>) => new Headers(h);

	it("reads X-API-Key, trimmed", () => {
		expect(presentedKey(headers({ "X-API-Key": "  pk_test_abc  " }))).toBe("pk_test_abc");
	});

	it("reads Authorization: Bearer, case-insensitively", () => {
		expect(presentedKey(headers({ Authorization: "Bearer pk_test_abc" }))).toBe("pk_test_abc");
		expect(presentedKey(headers({ Authorization: "bearer   pk_test_abc " }))).toBe("pk_test_abc");
	});

	it("prefers X-API-Key over Authorization", () => {
		expect(presentedKey(headers({ "X-API-Key": "one", Authorization: "Bearer two" }))).toBe("one");
	});

	it("gives an empty key for other schemes and broken Bearer values, null for none", () => {
		expect(presentedKey(headers({ Authorization: "Basic dXNlcjpwYXNz" }))).toBe("");
		expect(presentedKey(headers({ Authorization: "Bearer" }))).toBe("");
		expect(presentedKey(headers({ Authorization: "Bearer two words" }))).toBe("");
		expect(presentedKey(headers({}))).toBeNull();
	});
});

describe("authenticate", () => {
	it("lets a valid key through and puts its id, name, scopes and limits (no secret) on the context", async () => {
		const { key, record } = await issueKey({ scopes: ["read"], name: "reader", burst: 4, requests_per_minute: 30 });
		for (const headers of [withKey(key), { Authorization: `Bearer ${key}` }]) {
			const res = await appFor().get("/v1/thing", headers);
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({
				id: record.id,
				name: "reader",
				scopes: ["read"],
				limits: { requests_per_minute: 30, burst: 4 },
			});
		}
	});

	it("answers missing, malformed and unknown keys alike: 401 with the same words", async () => {
		const app = appFor();
		const answers = [
			await refusal(await app.get("/v1/thing")),
			await refusal(await app.get("/v1/thing", withKey(""))),
			await refusal(await app.get("/v1/thing", withKey("not-a-key"))),
			await refusal(await app.get("/v1/thing", { Authorization: "Basic dXNlcjpwYXNz" })),
			await refusal(await app.get("/v1/thing", withKey(generateApiKey("test")))),
			await refusal(await app.get("/v1/admin/thing", withKey(generateApiKey("test")))),
		];
		for (const answer of answers) expect(answer).toEqual(answers[0]);
		expect(answers[0]).toMatchObject({ status: 401, code: "unauthorized" });
		const res = await app.get("/v1/thing");
		expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="pokewatch"');
	});

	it("refuses a malformed key before any storage read", async () => {
		// Records stored under the hashes of badly shaped keys: a lookup would find them.
		const short = "pk_test_tooShort";
		const otherEnv = generateApiKey("live");
		for (const key of [short, otherEnv]) {
			const { record } = await issueKey({ scopes: ["read", "admin"] });
			await env.API_KEYS.put(KV.record(await hashApiKey(key)), JSON.stringify(record));
			const res = await appFor().get("/v1/thing", withKey(key));
			expect((await refusal(res)).status).toBe(401);
		}
	});

	it("answers revoked, expired and under-scoped keys with 403", async () => {
		const revoked = await issueKey();
		await new KeyStore(env.API_KEYS).revoke(revoked.record.id);
		const expired = await issueKey({ expires_at: new Date(Date.now() - 1000).toISOString() });
		const reader = await issueKey({ scopes: ["read"] });
		const adminOnly = await issueKey({ scopes: ["admin"] });
		const app = appFor();

		expect(await refusal(await app.get("/v1/thing", withKey(revoked.key)))).toMatchObject({
			status: 403,
			code: "forbidden",
			detail: "This API key has been revoked.",
		});
		expect(await refusal(await app.get("/v1/thing", withKey(expired.key)))).toMatchObject({
			status: 403,
			detail: "This API key has expired.",
		});
		expect((await refusal(await app.get("/v1/admin/thing", withKey(reader.key)))).detail).toContain('"admin"');
		expect((await refusal(await app.get("/v1/thing", withKey(adminOnly.key)))).detail).toContain('"read"');
		expect((await app.get("/v1/admin/thing", withKey(adminOnly.key))).status).toBe(200);
	});

	it("lets public paths and CORS preflights through without a key", async () => {
		const app = appFor();
		for (const path of ["/health", "/v1/health", "/openapi.json", "/docs"]) {
			const res = await app.get(path);
			expect(res.status, path).toBe(200);
			expect(await res.json()).toBe("public");
		}
		expect((await app.options("/v1/admin/thing")).status).not.toBe(401);
		expect((await app.get("/docs/")).status).toBe(401);
	});

	it("with AUTH_ENABLED=false lets every request through as the anonymous admin", async () => {
		const app = appFor({ AUTH_ENABLED: false });
		const res = await app.get("/v1/admin/thing");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			id: "anonymous",
			name: "auth disabled",
			scopes: ["read", "admin"],
			limits: { requests_per_minute: 60, burst: 10 },
		});
	});
});

describe("authenticate's key cache", () => {
	it("trusts a validated key for less than KEY_CACHE_SECONDS, then reads KV again", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const start = Date.now();
		const { key, record } = await issueKey();
		const app = appFor({ KEY_CACHE_SECONDS: 30 });
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);

		// Revoked behind the isolate's back (not through the admin API, which clears the cache).
		await new KeyStore(env.API_KEYS).revoke(record.id);
		vi.setSystemTime(start + 29_000);
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);
		vi.setSystemTime(start + 30_000);
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(403);
	});

	it("keeps nothing with KEY_CACHE_SECONDS=0", async () => {
		const { key, record } = await issueKey();
		const app = appFor({ KEY_CACHE_SECONDS: 0 });
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);
		await new KeyStore(env.API_KEYS).revoke(record.id);
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(403);
	});

	it("is emptied by forgetValidatedKeys", async () => {
		const { key, record } = await issueKey();
		const app = appFor({ KEY_CACHE_SECONDS: 30 });
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);
		await new KeyStore(env.API_KEYS).revoke(record.id);
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);
		forgetValidatedKeys();
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(403);
	});

	it("checks expiry on every request, cached or not", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		const start = Date.now();
		const { key } = await issueKey({ expires_at: new Date(start + 10_000).toISOString() });
		const app = appFor({ KEY_CACHE_SECONDS: 30 });
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);
		vi.setSystemTime(start + 10_000);
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(403);
	});

	it("never caches an unknown key", async () => {
		const key = generateApiKey("test");
		const app = appFor({ KEY_CACHE_SECONDS: 30 });
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(401);
		await issueKey({ key });
		expect((await app.get("/v1/thing", withKey(key))).status).toBe(200);
	});
});
