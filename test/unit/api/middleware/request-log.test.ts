import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { levelOf, type RequestLogLine, requestLog } from "../../../../src/api/middleware/request-log";
import type { Config } from "../../../../src/config";
import type { AppEnv } from "../../../../src/context";

describe("levelOf", () => {
	it("is error for the service's faults, warn for refusals and for a deliberate 503, info otherwise", () => {
		expect([200, 201, 304].map(levelOf)).toEqual(["info", "info", "info"]);
		expect([400, 401, 404, 413, 422, 429].map(levelOf)).toEqual(Array(6).fill("warn"));
		// 503 is the API saying "not yet" (no model published, a dependency down), with Retry-After.
		expect(levelOf(503)).toBe("warn");
		expect([500, 502, 504].map(levelOf)).toEqual(["error", "error", "error"]);
	});
});

/** The middleware over three routes, with REQUEST_LOG as given, writing into `lines`. */
function appWith(mode: Config["REQUEST_LOG"], lines: RequestLogLine[]) {
	const app = new Hono<AppEnv>();
	app.use(async (c, next) => {
		c.set("requestId", "log-test");
		await next();
	});
	app.use(requestLog({ write: (line) => lines.push(line) }));
	app.use(async (c, next) => {
		c.set("config", { REQUEST_LOG: mode } as Config);
		await next();
	});
	app.get("/ok", (c) => c.json({ ok: true }));
	app.get("/missing", (c) => c.json({ title: "Not found" }, 404));
	app.get("/down", (c) => c.json({ title: "Model unavailable" }, 503));
	return app;
}

describe("requestLog", () => {
	it("writes a line for every request by default", async () => {
		const lines: RequestLogLine[] = [];
		const app = appWith("all", lines);
		for (const path of ["/ok", "/missing", "/down"]) await app.request(path, {}, env);
		expect(lines.map((l) => [l.path, l.status, l.level])).toEqual([
			["/ok", 200, "info"],
			["/missing", 404, "warn"],
			["/down", 503, "warn"],
		]);
	});

	it("with REQUEST_LOG=problems writes only refused and failed requests", async () => {
		const lines: RequestLogLine[] = [];
		const app = appWith("problems", lines);
		for (const path of ["/ok", "/ok", "/missing", "/down"]) await app.request(path, {}, env);
		expect(lines.map((l) => l.status)).toEqual([404, 503]);
	});
});
