import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { bodyLimit } from "../../../../src/api/middleware/body-limit";
import { renderProblem, toApiError } from "../../../../src/api/problem";
import type { Config } from "../../../../src/config";
import type { AppEnv } from "../../../../src/context";

const MAX = 16;

/** A tiny app with the middleware under test, a fixed config and the real problem renderer. */
function appWithLimit() {
	const app = new Hono<AppEnv>();
	app.use(async (c, next) => {
		c.set("requestId", "test-request");
		c.set("config", { MAX_BODY_BYTES: MAX } as Config);
		await next();
	});
	app.use(bodyLimit());
	app.post("/echo", async (c) => c.text(await c.req.text()));
	app.onError((error, c) => renderProblem(c, toApiError(error)));
	return app;
}

describe("bodyLimit", () => {
	it("lets a body of exactly MAX_BODY_BYTES through", async () => {
		const res = await appWithLimit().request("/echo", { method: "POST", body: "x".repeat(MAX) });
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("x".repeat(MAX));
	});

	it("refuses a larger body with a 413 problem naming the limit", async () => {
		const res = await appWithLimit().request("/echo", { method: "POST", body: "x".repeat(MAX + 1) });
		expect(res.status).toBe(413);
		expect(res.headers.get("content-type")).toBe("application/problem+json");
		expect(await res.json()).toMatchObject({ code: "payload_too_large", status: 413, max_bytes: MAX });
	});

	it("counts a streamed body with no Content-Length", async () => {
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode("x".repeat(MAX / 2)));
				controller.close();
			},
		});
		const res = await appWithLimit().request("/echo", { method: "POST", body: stream, duplex: "half" } as RequestInit);
		expect(res.status).toBe(413);
	});

	it("ignores requests without a body", async () => {
		const app = appWithLimit();
		app.get("/ping", (c) => c.text("pong"));
		const res = await app.request("/ping");
		expect(res.status).toBe(200);
	});
});
