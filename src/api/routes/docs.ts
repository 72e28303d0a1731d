import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";

/** The /docs page: Swagger UI served from our own static assets (public/vendor), no CDN. */
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PokeWatch API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

/** Content-Security-Policy of the /docs page: only our own scripts; Swagger UI needs inline styles. */
export const DOCS_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Serves the OpenAPI 3.1 document generated from the zod schemas, and Swagger UI over it. */
export function mountDocs(app: OpenAPIHono<AppEnv>) {
	app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
		type: "apiKey",
		in: "header",
		name: "X-API-Key",
	});
	app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer" });
	app.doc31("/openapi.json", (c) => ({
		openapi: "3.1.0",
		info: {
			title: "PokeWatch API",
			version: "1.0.0",
			// The code carries no open licence; the prices are TCGplayer's, republished by TCGCSV.
			license: {
				name: "Proprietary: all rights reserved (prices are TCGplayer's)",
				identifier: "LicenseRef-Proprietary",
			},
			description:
				"Fair-value estimates and BUY / SELL / HOLD signals for Pokémon cards. Send an API key as `X-API-Key` " +
				"(or `Authorization: Bearer`). Errors are RFC 9457 `application/problem+json`.",
		},
		servers: [{ url: new URL(c.req.url).origin }],
		security: [{ ApiKey: [] as string[] }, { Bearer: [] as string[] }] as Record<string, string[]>[],
	}));
	app.get("/docs", (c) => c.html(DOCS_HTML));
}
