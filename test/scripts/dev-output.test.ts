import { describe, expect, it } from "vitest";
import { devOutputFilter } from "../../scripts/lib/dev-output";

// The shape of what wrangler dev prints at start and per request (captured from wrangler 4).
const CHATTER = `
 ⛅️ wrangler 4.156.2
────────────────────
Your Worker has access to the following bindings:
Binding                                                           Resource                      Mode
env.RATE_LIMITER (RateLimiter)                                    Durable Object                local
env.MODEL_REFRESH_SECONDS ("2")                                   Environment Variable          local

[wrangler:warn] Unable to fetch the \`Request.cf\` object! Falling back to a default placeholder...
Error: getaddrinfo ENOTFOUND workers.cloudflare.com
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)
\x1b[33m▲ \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1mScheduled Workers are not automatically triggered during local development.\x1b[0m

  To manually trigger a scheduled event, run:
    curl "http://127.0.0.1:8787/cdn-cgi/local/scheduled"

⎔ Starting local server...
[wrangler:info] Ready on http://127.0.0.1:8787
{"level":"info","msg":"request","route":"/v1/health","status":200}
{"level":"warn","msg":"request","route":"/v1/fair-price","status":503}
[wrangler:info] GET /v1/health 200 OK (489ms)`.split("\n");

describe("devOutputFilter", () => {
	it("drops the banner, the bindings table, the offline warnings and the request lines", () => {
		const keep = devOutputFilter();
		expect(CHATTER.filter(keep)).toEqual([]);
	});

	it("keeps the Worker's errors and anything from wrangler it does not know", () => {
		const keep = devOutputFilter();
		const problems = [
			'{"level":"error","msg":"pipeline step failed","step":"assemble"}',
			"✘ [ERROR] Build failed with 1 error:",
			"Uncaught TypeError: x is not a function",
		];
		expect([...CHATTER, ...problems].filter(keep)).toEqual(problems);
	});
});
