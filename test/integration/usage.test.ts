import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { forgetValidatedKeys } from "../../src/api/middleware/auth";
import { forgetIsolateLimits } from "../../src/api/middleware/rate-limit";
import { CreatedKey } from "../../src/api/schemas/keys";
import { AdminUsage, Usage } from "../../src/api/schemas/usage";
import worker from "../../src/index";
import { KV } from "../../src/keys/store";
import { KeyRecord } from "../../src/keys/types";
import { secondsToMidnight, utcDay } from "../../src/limits/bucket";
import { api, expectProblem, locations, ORIGIN, postJson, readJson } from "../helpers/api";
import { callsOf, limiterOf } from "../helpers/limiter";

const asKey = (key: string, init: RequestInit = {}) => ({ ...init, headers: { ...init.headers, "X-API-Key": key } });

/** Issues a key through the admin API, as an operator would. */
const create = async (body: Record<string, unknown>) =>
	readJson(await postJson("/v1/admin/keys", { name: "usage test", ...body }), CreatedKey, 201);

/** Sends `n` requests on `path` with `key`, draining each body. */
async function hit(key: string, path: string, n: number) {
	for (let i = 0; i < n; i++) await (await api(path, asKey(key))).body?.cancel();
}

beforeEach(() => forgetIsolateLimits());

describe("GET /v1/usage", () => {
	it("answers the calling key's identity, limits, bucket, quota and counts per day and route", async () => {
		const { key, info } = await create({ limits: { requests_per_minute: 60, burst: 20, requests_per_day: 500 } });
		await hit(key, "/v1/cards/no-such-card/history", 3);
		await hit(key, "/v1/nothing", 2);
		const usage = await readJson(await api("/v1/usage", asKey(key)), Usage);
		expect(usage).toMatchObject({
			id: info.id,
			name: "usage test",
			scopes: ["read"],
			limits: { requests_per_minute: 60, burst: 20, requests_per_day: 500 },
		});
		// Six requests so far, this one included (it was admitted before the report was read).
		expect(usage.bucket).toMatchObject({ limit: 20 });
		expect(usage.bucket.remaining).toBeGreaterThanOrEqual(14);
		expect(usage.bucket.remaining).toBeLessThanOrEqual(15);
		expect(usage.quota).toMatchObject({ limit: 500, used: 6, remaining: 494 });
		expect(usage.quota?.reset_seconds).toBeLessThanOrEqual(secondsToMidnight(Date.now()));
		expect(usage.days).toHaveLength(30);
		expect(usage.days.at(-1)?.date).toBe(utcDay(Date.now()));
		expect(usage.days.slice(0, -1).every((d) => d.requests === 0 && d.routes.length === 0)).toBe(true);
		// The report counts what came before it; the usage call itself lands in the next batch.
		expect(usage.days.at(-1)).toEqual({
			date: utcDay(Date.now()),
			requests: 5,
			refused: 0,
			routes: [
				{ route: "/v1/cards/:card_id/history", requests: 3, refused: 0 },
				{ route: "(no route)", requests: 2, refused: 0 },
			],
		});
		expect(usage.totals).toMatchObject({ requests: 5, refused: 0 });
		const again = await readJson(await api("/v1/usage", asKey(key)), Usage);
		expect(again.totals.routes).toContainEqual({ route: "/v1/usage", requests: 1, refused: 0 });
	});

	it("counts refusals, and a hot key's counts without a Durable Object call per request", async () => {
		const { key, info } = await create({ limits: { requests_per_minute: 1, burst: 1000 } });
		await hit(key, "/v1/nothing", 120);
		const usage = await readJson(await api("/v1/usage", asKey(key)), Usage);
		expect(usage.totals.requests).toBe(120);
		expect(usage.quota).toBeNull();
		// 121 requests: two leases of 100 tokens, and the report.
		expect(await callsOf(limiterOf(info.id))).toMatchObject({ take: 0, lease: 2, record: 0, report: 1 });
		// The report took this isolate's lease back: the bucket shows only what was spent.
		expect(usage.bucket.remaining).toBe(1000 - 121);

		const small = await create({ limits: { requests_per_minute: 1, burst: 2 } });
		await hit(small.key, "/v1/nothing", 5);
		const refused = await readJson(await api("/v1/usage", asKey(small.key)), Usage).catch(() => null);
		// The key is empty: its own usage call is refused too, and that is what an admin sees.
		expect(refused).toBeNull();
		const seen = await readJson(await api(`/v1/admin/keys/${small.info.id}/usage`), AdminUsage);
		expect(seen.totals).toMatchObject({ requests: 2, refused: 4 });
	});

	it("is in the OpenAPI document with stable operation ids", async () => {
		const doc = (await (await api("/openapi.json")).json()) as {
			paths: Record<string, Record<string, { operationId?: string }>>;
		};
		expect(doc.paths["/v1/usage"]?.get?.operationId).toBe("getUsage");
		expect(doc.paths["/v1/admin/keys/{id}/usage"]?.get?.operationId).toBe("getKeyUsage");
	});

	it("needs a key", async () => {
		await expectProblem(await api("/v1/usage", { headers: { "X-API-Key": "" } }), 401, "unauthorized");
	});
});

describe("GET /v1/admin/keys/{id}/usage", () => {
	it("shows any key's usage and its limiter's call counters to an admin", async () => {
		const { key, info } = await create({ limits: { requests_per_minute: 60, burst: 10 } });
		await hit(key, "/v1/nothing", 4);
		const usage = await readJson(await api(`/v1/admin/keys/${info.id}/usage`), AdminUsage);
		expect(usage).toMatchObject({ id: info.id, totals: { requests: 4 }, quota: null });
		expect(usage.limiter.calls).toEqual({ take: 4, lease: 0, record: 0, report: 1 });
		expect(Date.parse(usage.limiter.since)).toBeLessThanOrEqual(Date.now());
	});

	it("needs the admin scope", async () => {
		const { key, info } = await create({ scopes: ["read"] });
		await expectProblem(await api(`/v1/admin/keys/${info.id}/usage`, asKey(key)), 403, "forbidden");
	});

	it("answers 404 for an unknown key and 422 naming the id for a malformed one", async () => {
		await expectProblem(await api("/v1/admin/keys/key_nosuchkey000/usage"), 404, "not_found");
		const problem = await expectProblem(await api("/v1/admin/keys/nope/usage"), 422, "validation_failed");
		expect(locations(problem)).toEqual(["param.id"]);
	});
});

describe("daily quota through the Worker", () => {
	it("refuses past requests_per_day with quota_exceeded and Retry-After until midnight UTC", async () => {
		const { key } = await create({ limits: { requests_per_minute: 600, burst: 10, requests_per_day: 2 } });
		for (let i = 0; i < 2; i++) {
			const res = await api("/v1/nothing", asKey(key));
			expect(res.status).toBe(404);
			expect(res.headers.get("RateLimit-Policy")).toBe('"burst";q=10;w=1, "day";q=2;w=86400');
			await res.body?.cancel();
		}
		const toMidnight = secondsToMidnight(Date.now());
		const refused = await api("/v1/nothing", asKey(key));
		const retry = Number(refused.headers.get("Retry-After"));
		const problem = await expectProblem(refused, 429, "quota_exceeded");
		expect(problem.title).toBe("Daily quota exhausted");
		expect(retry).toBeGreaterThan(toMidnight - 3);
		expect(retry).toBeLessThanOrEqual(toMidnight);
		expect(refused.headers.get("RateLimit")).toMatch(/^"burst";r=\d+;t=\d+, "day";r=0;t=\d+$/);
	});
});

describe("leases through the Worker", () => {
	it("never let more through than the bucket holds when 300 requests on a hot key arrive at once", async () => {
		const { key } = await create({ limits: { requests_per_minute: 1, burst: 120 } });
		const patient = { ...env, RATE_LIMIT_TIMEOUT_MS: "10000" } as Env;
		const ctx = createExecutionContext();
		const responses = await Promise.all(
			Array.from({ length: 300 }, () => worker.fetch(new Request(`${ORIGIN}/v1/nothing`, asKey(key)), patient, ctx)),
		);
		await waitOnExecutionContext(ctx);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 404)).toHaveLength(120);
		expect(statuses.filter((s) => s === 429)).toHaveLength(180);
		for (const res of responses) await res.body?.cancel();
	});

	it("serve concurrent requests, each its own request to the Worker, from one lease without a fault", async () => {
		// Through exports.default.fetch, so every request runs in its own request context: a request
		// waiting for another's lease call must not depend on that request's promise.
		const { key, info } = await create({ limits: { requests_per_minute: 1, burst: 1000 } });
		const statuses = await Promise.all(
			Array.from({ length: 150 }, async () => {
				const res = await api("/v1/nothing", asKey(key));
				await res.body?.cancel();
				return res.status;
			}),
		);
		expect(statuses.filter((s) => s === 404)).toHaveLength(150);
		expect((await callsOf(limiterOf(info.id))).lease).toBeLessThanOrEqual(4);
	});

	it("let a revocation take effect though the isolate holds a lease", async () => {
		const { key, info } = await create({ limits: { requests_per_minute: 60_000, burst: 1000 } });
		await hit(key, "/v1/nothing", 3);
		expect((await callsOf(limiterOf(info.id))).lease).toBe(1);
		const revoked = await api(`/v1/admin/keys/${info.id}`, { method: "DELETE" });
		expect(revoked.status).toBe(200);
		await expectProblem(await api("/v1/nothing", asKey(key)), 403, "forbidden");
	});

	it("let a limit change take effect once the key record is read again (within KEY_CACHE_SECONDS)", async () => {
		const { key, info } = await create({ limits: { requests_per_minute: 60_000, burst: 1000 } });
		await hit(key, "/v1/nothing", 3);
		// The record changed in KV (as an admin PATCH would), and the isolate's cached copy expired.
		const hash = (await env.API_KEYS.get(KV.byId(info.id))) as string;
		const record = KeyRecord.parse(JSON.parse((await env.API_KEYS.get(KV.record(hash))) as string));
		await env.API_KEYS.put(
			KV.record(hash),
			JSON.stringify({ ...record, limits: { requests_per_minute: 60, burst: 5, requests_per_day: 4 } }),
		);
		forgetValidatedKeys();
		const res = await api("/v1/nothing", asKey(key));
		expect(res.status).toBe(404);
		expect(res.headers.get("RateLimit-Policy")).toBe('"burst";q=5;w=5, "day";q=4;w=86400');
		// The unspent lease went back, capped at the new burst; today's 4 count against the new quota.
		expect(res.headers.get("X-RateLimit-Remaining")).toBe("4");
		expect(res.headers.get("RateLimit")).toMatch(/"day";r=0;t=\d+$/);
		await expectProblem(await api("/v1/nothing", asKey(key)), 429, "quota_exceeded");
	});
});
