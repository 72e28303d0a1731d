import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { forgetEmptyKeys } from "../../src/api/middleware/rate-limit";
import { CreatedKey } from "../../src/api/schemas/keys";
import worker from "../../src/index";
import { api, expectProblem, ORIGIN, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";
import { age, limiterOf, readBucket, writeBucket } from "../helpers/limiter";

const RATE_HEADERS = [
	"RateLimit-Policy",
	"RateLimit",
	"X-RateLimit-Limit",
	"X-RateLimit-Remaining",
	"X-RateLimit-Reset",
];

const asKey = (key: string, init: RequestInit = {}) => ({ ...init, headers: { ...init.headers, "X-API-Key": key } });

const remaining = (res: Response) => Number(res.headers.get("X-RateLimit-Remaining"));

beforeEach(() => forgetEmptyKeys());

describe("rate limiting through the Worker", () => {
	it("lets exactly the burst through when 220 requests on one key arrive at once", async () => {
		const { key } = await issueKey({ scopes: ["read", "admin"], burst: 7, requests_per_minute: 1 });
		// The object answers 220 calls one after another; a loaded test machine could push the last
		// ones past the 250 ms RATE_LIMIT_TIMEOUT_MS and turn their 429 into a fail-closed 503.
		const patient = { ...env, RATE_LIMIT_TIMEOUT_MS: "10000" } as Env;
		const ctx = createExecutionContext();
		const responses = await Promise.all(
			Array.from({ length: 220 }, () => worker.fetch(new Request(`${ORIGIN}/v1/admin/keys`, asKey(key)), patient, ctx)),
		);
		await waitOnExecutionContext(ctx);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(7);
		expect(statuses.filter((s) => s === 429)).toHaveLength(213);
		for (const res of responses) {
			for (const name of RATE_HEADERS) expect(res.headers.get(name), name).not.toBeNull();
			expect(res.headers.get("X-RateLimit-Limit")).toBe("7");
		}
		expect(
			responses
				.filter((r) => r.status === 200)
				.map(remaining)
				.sort((x, y) => x - y),
		).toEqual([0, 1, 2, 3, 4, 5, 6]);
		for (const res of responses.filter((r) => r.status === 429)) {
			expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
			expect(res.headers.get("Content-Type")).toBe("application/problem+json");
			await res.body?.cancel();
		}
	});

	it("counts down across a burst and recovers after a refill", async () => {
		const { key, record } = await issueKey({ burst: 3, requests_per_minute: 6 }); // 0.1 token a second
		const seen = [];
		for (let i = 0; i < 3; i++) {
			const res = await api("/v1/cards/no-such-card/history", asKey(key));
			seen.push([
				res.headers.get("RateLimit"),
				res.headers.get("X-RateLimit-Remaining"),
				res.headers.get("X-RateLimit-Reset"),
			]);
			await res.body?.cancel();
		}
		expect(seen).toEqual([
			['"burst";r=2;t=10', "2", "10"],
			['"burst";r=1;t=20', "1", "20"],
			['"burst";r=0;t=30', "0", "30"],
		]);

		const refused = await api("/v1/cards/no-such-card/history", asKey(key));
		expect(refused.headers.get("RateLimit-Policy")).toBe('"burst";q=3;w=30');
		expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
		expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(5);
		const problem = await expectProblem(refused, 429, "rate_limited");
		expect(problem.retry_after).toBe(Number(refused.headers.get("Retry-After")));

		await age(limiterOf(record.id), 15); // one and a half tokens back
		forgetEmptyKeys();
		const after = await api("/v1/cards/no-such-card/history", asKey(key));
		expect(after.status).not.toBe(429);
		expect(after.headers.get("RateLimit")).toBe('"burst";r=0;t=25');
		await after.body?.cancel();
	});

	it("keeps one bucket per key id, in that key's own Durable Object", async () => {
		const a = await issueKey({ burst: 2, requests_per_minute: 1 });
		const b = await issueKey({ burst: 2, requests_per_minute: 1 });
		for (let i = 0; i < 2; i++) expect((await api("/v1/nothing", asKey(a.key))).status).toBe(404);
		await expectProblem(await api("/v1/nothing", asKey(a.key)), 429, "rate_limited");
		expect((await readBucket(limiterOf(a.record.id)))?.tokens).toBeLessThan(1);
		expect(await readBucket(limiterOf(b.record.id))).toBeUndefined();
		const res = await api("/v1/nothing", asKey(b.key));
		expect(res.status).toBe(404);
		expect(remaining(res)).toBe(1);
	});

	it("refuses a key known to be empty inside the isolate, even once its bucket is full again", async () => {
		const { key, record } = await issueKey({ burst: 1, requests_per_minute: 1 });
		expect((await api("/v1/nothing", asKey(key))).status).toBe(404);
		await expectProblem(await api("/v1/nothing", asKey(key)), 429);
		// Refilled behind the isolate's back: only a call to the object would notice.
		const now = Date.now();
		await writeBucket(limiterOf(record.id), { tokens: 1, updatedAt: now, touchedAt: now, idleAt: now + 60_000 });
		await expectProblem(await api("/v1/nothing", asKey(key)), 429);
		expect((await readBucket(limiterOf(record.id)))?.tokens).toBe(1);
		forgetEmptyKeys();
		expect((await api("/v1/nothing", asKey(key))).status).toBe(404);
	});

	it("puts the headers on every authenticated answer, errors included", async () => {
		const { key } = await issueKey({ burst: 50, requests_per_minute: 60 });
		const answers = [
			await api("/v1/nothing", asKey(key)), // 404
			await api("/v1/fair-price", asKey(key)), // 405
			await postJson("/v1/fair-price", { card_id: 42 }, asKey(key)), // 422
			await api("/v1/cards", asKey(key)), // 200 or 503, whatever the model
		];
		expect(answers.map((r) => r.status).slice(0, 3)).toEqual([404, 405, 422]);
		for (const res of answers) {
			for (const name of RATE_HEADERS) expect(res.headers.get(name), `${name} on ${res.status}`).not.toBeNull();
			expect(res.headers.get("X-RateLimit-Limit")).toBe("50");
			await res.body?.cancel();
		}
		expect(answers.map(remaining)).toEqual([49, 48, 47, 46]);
	});

	it("takes limits from the key record, and defaults from config (60/min, burst 10)", async () => {
		const defaulted = await readJson(await postJson("/v1/admin/keys", { name: "defaults" }), CreatedKey, 201);
		expect(defaulted.info.limits).toEqual({ requests_per_minute: 60, burst: 10 });
		const custom = await readJson(
			await postJson("/v1/admin/keys", { name: "custom", limits: { requests_per_minute: 120, burst: 3 } }),
			CreatedKey,
			201,
		);

		const a = await api("/v1/nothing", asKey(defaulted.key));
		expect(a.headers.get("RateLimit-Policy")).toBe('"burst";q=10;w=10');
		expect(a.headers.get("X-RateLimit-Remaining")).toBe("9");
		const b = await api("/v1/nothing", asKey(custom.key));
		expect(b.headers.get("RateLimit-Policy")).toBe('"burst";q=3;w=2');
		expect(b.headers.get("X-RateLimit-Remaining")).toBe("2");
	});

	it("sets no rate-limit headers on public routes or refused keys", async () => {
		for (const res of [
			await api("/openapi.json", { headers: { "X-API-Key": "" } }),
			await api("/v1/cards", { headers: { "X-API-Key": "nope" } }),
		]) {
			expect(res.headers.get("RateLimit")).toBeNull();
			await res.body?.cancel();
		}
	});
});
