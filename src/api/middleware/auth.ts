import { createMiddleware } from "hono/factory";
import type { Config } from "../../config";
import type { AppEnv, AuthenticatedKey } from "../../context";
import { ApiError } from "../../errors";
import { isWellFormedKey, keyEnvFor, type Scope } from "../../keys/api-keys";
import { recordState } from "../../keys/changes";
import { KeyStore } from "../../keys/store";
import type { KeyRecord } from "../../keys/types";
import { Lru } from "../../lib/lru";

/** Paths anyone may call without a key. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/health", "/v1/health", "/openapi.json", "/docs"]);

// The same words for a missing, malformed or unknown key: never say whether a key exists.
const UNAUTHORIZED = "A valid API key is required: send it in the X-API-Key header or as Authorization: Bearer <key>.";

/** The presented key: `X-API-Key`, else `Authorization: Bearer <key>`. */
export function presentedKey(headers: Headers): string | null {
	const direct = headers.get("X-API-Key");
	if (direct !== null) return direct.trim();
	const auth = headers.get("Authorization");
	const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
	return match ? (match[1] as string) : auth !== null ? "" : null;
}

// Validated records per isolate, at most KEY_CACHE_SECONDS old (30 s): with KV's own 30 s edge
// cache, a revocation takes effect everywhere within 60 s.
const validated = new Lru<string, { record: KeyRecord; at: number }>(10_000);

/** Forgets every cached key (tests, and after an admin change in this isolate). */
export const forgetValidatedKeys = () => validated.clear();

async function lookup(kv: KVNamespace, key: string, config: Config): Promise<KeyRecord | null> {
	const now = Date.now();
	// Keyed by the presented key itself, which this request already holds in memory: a cached key
	// costs no SHA-256. Nothing here outlives the isolate or reaches storage or logs; KV only ever
	// sees the hash.
	const cached = validated.get(key);
	if (cached && now - cached.at < config.KEY_CACHE_SECONDS * 1000) return cached.record;
	const record = await new KeyStore(kv).findByKey(key, config.KEY_CACHE_SECONDS > 0 ? 30 : undefined);
	if (record) validated.set(key, { record, at: now });
	else validated.delete(key);
	return record;
}

/**
 * Authenticates every non-public route with an API key from KV and checks its scope: `admin`
 * for /v1/admin/*, `read` elsewhere. 401 for a missing, malformed or unknown key; 403 for a
 * revoked, expired or under-scoped one. With AUTH_ENABLED=false (never in production) every
 * request passes as a local anonymous admin.
 */
export const authenticate = (options: { adminPrefix?: string } = {}) => {
	const adminPrefix = options.adminPrefix ?? "/v1/admin/";
	return createMiddleware<AppEnv>(async function authenticate(c, next) {
		if (PUBLIC_PATHS.has(c.req.path) || c.req.method === "OPTIONS") return next();
		const config = c.get("config");
		const required: Scope = c.req.path.startsWith(adminPrefix) ? "admin" : "read";
		if (!config.AUTH_ENABLED) {
			c.set("apiKey", anonymous(config));
			return next();
		}
		const key = presentedKey(c.req.raw.headers);
		if (!key || !isWellFormedKey(key, keyEnvFor(config.ENVIRONMENT))) throw unauthorized();
		const record = await lookup(c.env.API_KEYS, key, config);
		if (!record) throw unauthorized();
		const state = recordState(record, new Date());
		if (state)
			throw new ApiError(
				"forbidden",
				state === "expired" ? "This API key has expired." : "This API key has been revoked.",
			);
		if (!record.scopes.includes(required))
			throw new ApiError("forbidden", `This API key lacks the "${required}" scope this route needs.`);
		c.set("apiKey", { id: record.id, name: record.name, scopes: record.scopes, limits: record.limits });
		await next();
	});
};

const unauthorized = () =>
	new ApiError("unauthorized", UNAUTHORIZED, { headers: { "WWW-Authenticate": 'Bearer realm="pokewatch"' } });

const anonymous = (config: Config): AuthenticatedKey => ({
	id: "anonymous",
	name: "auth disabled",
	scopes: ["read", "admin"],
	limits: { requests_per_minute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST },
});
