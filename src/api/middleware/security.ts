import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { Config } from "../../config";
import type { AppEnv } from "../../context";
import { DOCS_CSP } from "../routes/docs";

// JSON answers never need to load anything.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// The headers an API needs; the legacy browser ones Hono also offers (X-XSS-Protection,
// X-Download-Options, X-DNS-Prefetch-Control, …) protect nothing on a JSON API and cost a header
// write per response, so they are off.
const headers = secureHeaders({
	strictTransportSecurity: "max-age=31536000; includeSubDomains",
	xFrameOptions: "DENY",
	xContentTypeOptions: "nosniff",
	referrerPolicy: "no-referrer",
	crossOriginResourcePolicy: "same-origin",
	crossOriginOpenerPolicy: "same-origin",
	permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
	crossOriginEmbedderPolicy: false,
	originAgentCluster: false,
	xDnsPrefetchControl: false,
	xDownloadOptions: false,
	xPermittedCrossDomainPolicies: false,
	xXssProtection: false,
});

/** Hono's secure headers (HSTS, frame DENY, nosniff, referrer and permissions policies) plus a per-page CSP. */
export const securityHeaders = () =>
	createMiddleware<AppEnv>(async function securityHeaders(c, next) {
		await headers(c, async () => {
			await next();
		});
		c.res.headers.set("Content-Security-Policy", c.req.path === "/docs" ? DOCS_CSP : API_CSP);
	});

/** Hono's CORS middleware for one configuration, built once per isolate. */
const corsFor = (allowed: readonly string[]) =>
	cors({
		origin: (origin) => (allowed.includes("*") ? origin || "*" : allowed.includes(origin) ? origin : null),
		allowMethods: ["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
		allowHeaders: ["Content-Type", "X-API-Key", "Authorization", "X-Request-ID", "If-None-Match"],
		exposeHeaders: [
			"X-Request-ID",
			"RateLimit",
			"RateLimit-Policy",
			"X-RateLimit-Limit",
			"X-RateLimit-Remaining",
			"X-RateLimit-Reset",
			"Retry-After",
			"ETag",
		],
		maxAge: 600,
	});

/** CORS with the CORS_ORIGINS allowlist ("*" only in development, enforced by config). */
export const corsPolicy = () => {
	const built = new WeakMap<Config, MiddlewareHandler>();
	return createMiddleware<AppEnv>(async function corsPolicy(c, next) {
		// CORS concerns browsers, which always send Origin on a cross-origin request; without one
		// there is nothing to allow (and caches keyed on Origin still see `Vary: Origin`).
		if (!c.req.header("Origin")) {
			await next();
			c.res.headers.append("Vary", "Origin");
			return;
		}
		const config = c.get("config");
		let handler = built.get(config);
		if (!handler) {
			handler = corsFor(config.CORS_ORIGINS);
			built.set(config, handler);
		}
		return handler(c, next);
	});
};
