import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_PATHS } from "../../../src/api/middleware/auth";
import { app } from "../../../src/index";
import { ORIGIN } from "../../helpers/api";
import { TEST_KEY } from "../../helpers/keys";
import { resetModels, seedServing } from "../../helpers/model";
import { protectedRoutes } from "./shared-auth-suite";

const routes = protectedRoutes(app.routes);

/** True when `value` can be sent as a header value at all (no CR, LF or NUL). */
const sendable = (value: string) => {
	try {
		new Headers([["x-probe", value]]);
		return true;
	} catch {
		return false;
	}
};

// ASCII only, controls included: workerd would re-encode anything wider as UTF-8 (with a warning),
// which no client can send.
const headerChar = fc.integer({ min: 0x01, max: 0x7f }).map((c) => String.fromCharCode(c));

/** Header values as a client might send them: printable ASCII mostly, tabs and controls too. */
const headerValue = fc
	.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: headerChar, maxLength: 120 }))
	.filter(sendable);

/** Keys that must never authenticate: junk, well-formed unknown keys, and near misses of a real key. */
const badKey = fc
	.oneof(
		headerValue,
		fc.stringMatching(/^pk_(dev|test|live)_[0-9A-Za-z]{32,64}$/),
		fc.stringMatching(/^pk_(dev|test|live)_[0-9A-Za-z]{0,31}$/),
		fc.stringMatching(/^pk_(dev|test|live)_[0-9A-Za-z]{65,80}$/),
		fc
			.record({ at: fc.nat(TEST_KEY.length - 1), char: fc.string({ minLength: 1, maxLength: 1 }) })
			.map(({ at, char }) => TEST_KEY.slice(0, at) + char + TEST_KEY.slice(at + 1)),
		fc.nat(TEST_KEY.length - 1).map((n) => TEST_KEY.slice(0, n)),
		fc.string({ minLength: 1, maxLength: 3 }).map((s) => TEST_KEY + s),
		fc.constant(TEST_KEY.toUpperCase()),
		fc.constant(TEST_KEY.replace("pk_test_", "pk_live_")),
	)
	.filter((key) => sendable(key) && key.trim() !== TEST_KEY);

/** Ways of presenting a key: X-API-Key, or an Authorization header under some scheme. */
const presented = fc.oneof(
	badKey.map((key) => ({ "X-API-Key": key })),
	fc
		.record({ scheme: fc.constantFrom("Bearer", "bearer", "BEARER", "Basic", "Token", ""), key: badKey })
		.map(({ scheme, key }) => ({ Authorization: `${scheme} ${key}` }))
		.filter((h) => sendable(h.Authorization)),
);

const RUNS = { numRuns: 150 };

beforeAll(async () => {
	await resetModels();
	await seedServing();
});

describe("bad keys (property)", () => {
	it("always get a 401 problem on every protected route, never anything else", async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...routes), presented, async (route, headers) => {
				const res = await exports.default.fetch(`${ORIGIN}${route.path}`, { method: route.method, headers });
				await res.body?.cancel();
				expect(res.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(401);
				expect(res.headers.get("content-type")).toBe("application/problem+json");
			}),
			RUNS,
		);
	});
});

describe("random header values (property)", () => {
	// Admin writes are left out: with the suite's valid key and a random body they might act (start
	// a run, replace the sample); their refusals of bad keys are the property above.
	const safe = routes.filter((r) => r.scope === "read" || r.method === "GET");
	const anyRoute = fc.constantFrom(
		...safe.map((r) => ({ method: r.method, path: r.path })),
		...[...PUBLIC_PATHS].map((path) => ({ method: "GET", path })),
		{ method: "OPTIONS", path: "/v1/fair-price" },
		{ method: "PUT", path: "/v1/cards" },
	);
	const headers = fc.record(
		{
			"X-API-Key": fc.oneof(headerValue, badKey, fc.constant(TEST_KEY)),
			Authorization: fc.oneof(
				headerValue,
				presented.map((h) => Object.values(h)[0] as string),
			),
			Origin: fc.oneof(headerValue, fc.constant("https://app.pokewatch.test")),
			"X-Request-ID": headerValue,
			"Content-Type": fc.oneof(headerValue, fc.constant("application/json")),
			Accept: headerValue,
			"If-None-Match": headerValue,
			"Access-Control-Request-Method": headerValue,
		},
		{ requiredKeys: [] },
	);
	const body = fc.oneof(fc.json(), headerValue, fc.constant('{"card_id":"sv03-223-charizard-ex"}'));

	it("never produce a 5xx, and every error is a problem", async () => {
		await fc.assert(
			fc.asyncProperty(anyRoute, headers, body, async (route, sent, payload) => {
				const hasBody = route.method === "POST" || route.method === "PUT";
				const res = await exports.default.fetch(`${ORIGIN}${route.path}`, {
					method: route.method,
					headers: sent,
					...(hasBody ? { body: payload } : {}),
				});
				const text = await res.text();
				const what = `${route.method} ${route.path} ${JSON.stringify(sent)} -> ${res.status} ${text.slice(0, 200)}`;
				expect(res.status, what).toBeLessThan(500);
				if (res.status >= 400) expect(res.headers.get("content-type"), what).toBe("application/problem+json");
			}),
			RUNS,
		);
	});
});
