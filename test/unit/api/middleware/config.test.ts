import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../../src/api/middleware/config";
import { renderProblem, toApiError } from "../../../../src/api/problem";
import type { AppEnv } from "../../../../src/context";

function appWithConfig() {
	const app = new Hono<AppEnv>();
	app.use(loadConfig());
	app.get("/config", (c) => c.json(c.get("config")));
	app.onError((error, c) => renderProblem(c, toApiError(error)));
	return app;
}

describe("loadConfig", () => {
	it("puts the parsed configuration on the context", async () => {
		const res = await appWithConfig().request("/config", {}, env);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ ENVIRONMENT: "test", HORIZON_MOVE: 0.05, MAX_BODY_BYTES: 1_048_576 });
	});

	it("answers a bad configuration with a 500 problem that does not echo the bad value", async () => {
		const bad = { ...env, HORIZON_MOVE: "banana" } as unknown as Env;
		const res = await appWithConfig().request("/config", {}, bad);
		expect(res.status).toBe(500);
		const body = await res.text();
		expect(JSON.parse(body)).toMatchObject({ code: "internal", detail: "The service is misconfigured." });
		expect(body).not.toContain("banana");
	});
});
