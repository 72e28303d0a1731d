import { swaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";

/** Serves the OpenAPI 3.1 document generated from the zod schemas, and Swagger UI over it. */
export function mountDocs(app: OpenAPIHono<AppEnv>) {
	app.doc31("/openapi.json", (c) => ({
		openapi: "3.1.0",
		info: {
			title: "PokeWatch API",
			version: "1.0.0",
			description:
				"Fair-value estimates and BUY / SELL / HOLD signals for Pokémon cards. Errors are RFC 9457 `application/problem+json`.",
		},
		servers: [{ url: new URL(c.req.url).origin }],
	}));
	app.get("/docs", swaggerUI({ url: "/openapi.json", title: "PokeWatch API" }));
}
