import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetValidatedKeys } from "../../src/api/middleware/auth";
import { ApiKeyInfo, ApiKeyList, CreatedKey, RotatedKey } from "../../src/api/schemas/keys";
import worker from "../../src/index";
import { hashApiKey, isWellFormedKey } from "../../src/keys/api-keys";
import { KeyStore, KV } from "../../src/keys/store";
import { KeyRecord } from "../../src/keys/types";
import { api, expectProblem, listAll, locations, ORIGIN, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";

const asKey = (key: string, init: RequestInit = {}) => ({ ...init, headers: { ...init.headers, "X-API-Key": key } });

/** Status of a read route for `key`; not 401/403 means the key is accepted. */
const readStatus = async (key: string) => {
	const res = await api("/v1/cards", asKey(key));
	await res.body?.cancel();
	return res.status;
};
const accepted = async (key: string) => ![401, 403].includes(await readStatus(key));

const create = async (body: Record<string, unknown>) =>
	readJson(await postJson("/v1/admin/keys", body), CreatedKey, 201);
const list = async () => listAll("/v1/admin/keys?limit=100", ApiKeyList);

describe("POST /v1/admin/keys", () => {
	it("issues a working key, shown once; KV holds only its hash", async () => {
		const res = await postJson("/v1/admin/keys", { name: "dashboard", scopes: ["read"] });
		expect(res.headers.get("Cache-Control")).toBe("no-store");
		const created = await readJson(res, CreatedKey, 201);
		expect(isWellFormedKey(created.key, "test")).toBe(true);
		expect(created.info).toMatchObject({
			name: "dashboard",
			scopes: ["read"],
			prefix: created.key.slice(0, 12),
			limits: { requests_per_minute: 60, burst: 10 },
			revoked_at: null,
			expires_at: null,
		});
		expect(await accepted(created.key)).toBe(true);

		const hash = await hashApiKey(created.key);
		const stored = KeyRecord.parse(JSON.parse((await env.API_KEYS.get(KV.record(hash))) ?? "null"));
		expect(stored.id).toBe(created.info.id);
		expect(await env.API_KEYS.get(KV.byId(created.info.id))).toBe(hash);
		expect(JSON.stringify(stored)).not.toContain(created.key.slice(12));
	});

	it("never shows the key or its hash again", async () => {
		const created = await create({ name: "shown once" });
		// Every page as sent, oldest first: the new key is on one of them.
		let text = "";
		let cursor: string | null = null;
		do {
			const page: string = await (await api(`/v1/admin/keys${cursor ? `?cursor=${cursor}` : ""}`)).text();
			text += page;
			cursor = (JSON.parse(page) as { next_cursor: string | null }).next_cursor;
		} while (cursor);
		const entry = (await listAll("/v1/admin/keys", ApiKeyList)).find((k) => k.id === created.info.id);
		expect(entry).toEqual(created.info);
		expect(Object.keys(entry ?? {})).not.toContain("key");
		expect(text).not.toContain(created.key);
		expect(text).not.toContain(created.key.slice(12));
		expect(text).not.toContain(await hashApiKey(created.key));
	});

	it("defaults to the read scope, so the new key cannot manage keys", async () => {
		const created = await create({ name: "reader" });
		expect(created.info.scopes).toEqual(["read"]);
		await expectProblem(await api("/v1/admin/keys", asKey(created.key)), 403, "forbidden");
		await expectProblem(await postJson("/v1/admin/keys", { name: "x" }, asKey(created.key)), 403, "forbidden");
		const admin = await create({ name: "admin", scopes: ["read", "admin"] });
		expect((await api("/v1/admin/keys", asKey(admin.key))).status).toBe(200);
	});

	it("keeps a future expiry, after which the key gets 403", async () => {
		const expires = new Date(Date.now() + 86_400_000).toISOString();
		const created = await create({ name: "expiring", expires_at: expires });
		expect(created.info.expires_at).toBe(expires);
		expect(await accepted(created.key)).toBe(true);
		const hash = await hashApiKey(created.key);
		const record = KeyRecord.parse(JSON.parse((await env.API_KEYS.get(KV.record(hash))) ?? "null"));
		await env.API_KEYS.put(KV.record(hash), JSON.stringify({ ...record, expires_at: "2020-01-01T00:00:00.000Z" }));
		forgetValidatedKeys();
		const problem = await expectProblem(await api("/v1/cards", asKey(created.key)), 403, "forbidden");
		expect(problem.detail).toMatch(/expired/);
	});

	it.each([
		["an empty name", { name: "  " }, "body.name"],
		["a missing name", { scopes: ["read"] }, "body.name"],
		["an unknown scope", { name: "x", scopes: ["write"] }, "body.scopes.0"],
		["no scopes", { name: "x", scopes: [] }, "body.scopes"],
		["a zero burst", { name: "x", limits: { burst: 0 } }, "body.limits.burst"],
		["a fractional rate", { name: "x", limits: { requests_per_minute: 1.5 } }, "body.limits.requests_per_minute"],
		["an expiry that is not a date", { name: "x", expires_at: "tomorrow" }, "body.expires_at"],
		["a past expiry", { name: "x", expires_at: "2020-01-01T00:00:00Z" }, "body.expires_at"],
		["an unknown field", { name: "x", key: "pk_test_chosenByTheCaller000000000000000000" }, "body"],
	])("422 for %s, naming the field", async (_, body, location) => {
		const problem = await expectProblem(await postJson("/v1/admin/keys", body), 422, "validation_failed");
		expect(locations(problem)).toContain(location);
	});

	it("400 for a body that is not JSON", async () => {
		const res = await api("/v1/admin/keys", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{",
		});
		await expectProblem(res, 400, "malformed_json");
	});
});

describe("GET /v1/admin/keys", () => {
	it("lists every key oldest first, with its last use", async () => {
		const first = await create({ name: "listed first" });
		const second = await create({ name: "listed second" });
		const ctx = createExecutionContext();
		const res = await worker.fetch(new Request(`${ORIGIN}/v1/cards`, asKey(second.key)), env, ctx);
		await res.body?.cancel();
		await waitOnExecutionContext(ctx);

		const keys = await list();
		const ids = keys.map((k) => k.id);
		expect(ids.indexOf(first.info.id)).toBeLessThan(ids.indexOf(second.info.id));
		expect(keys.find((k) => k.id === first.info.id)?.last_used_at).toBeNull();
		const used = keys.find((k) => k.id === second.info.id)?.last_used_at;
		expect(Date.parse(used ?? "")).toBeGreaterThan(Date.now() - 60_000);
	});

	it("pages in the list envelope: every key once, in order, across pages", async () => {
		for (let i = 0; i < 3; i++) await create({ name: `paged ${i}` });
		const whole = await list();
		const paged = await listAll("/v1/admin/keys?limit=2", ApiKeyList);
		expect(paged.map((k) => k.id)).toEqual(whole.map((k) => k.id));
		const first = await readJson(await api("/v1/admin/keys?limit=2"), ApiKeyList);
		expect(first.data).toHaveLength(2);
		expect(first.next_cursor).toEqual(expect.any(String));
		expect(locations(await expectProblem(await api("/v1/admin/keys?cursor=nope"), 422))).toEqual(["query.cursor"]);
	});
});

describe("DELETE /v1/admin/keys/{id}", () => {
	it("revokes at once in this isolate, although the key was cached", async () => {
		const created = await create({ name: "to revoke" });
		expect(await accepted(created.key)).toBe(true); // now in the isolate's key cache

		const res = await api(`/v1/admin/keys/${created.info.id}`, { method: "DELETE" });
		const revoked = await readJson(res, ApiKeyInfo);
		expect(revoked.id).toBe(created.info.id);
		expect(Date.parse(revoked.revoked_at ?? "")).toBeGreaterThan(Date.now() - 60_000);

		const problem = await expectProblem(await api("/v1/cards", asKey(created.key)), 403, "forbidden");
		expect(problem.detail).toMatch(/revoked/);
		expect((await list()).find((k) => k.id === created.info.id)?.revoked_at).toBe(revoked.revoked_at);
	});

	it("is needed for that: a revocation behind the API's back waits for the cache", async () => {
		const { key, record } = await issueKey();
		expect(await accepted(key)).toBe(true);
		await new KeyStore(env.API_KEYS).revoke(record.id);
		expect(await accepted(key)).toBe(true);
		forgetValidatedKeys();
		expect(await readStatus(key)).toBe(403);
	});

	it("404 for an unknown id, 422 for one that is not a key id", async () => {
		await expectProblem(await api("/v1/admin/keys/key_doesNotExist1", { method: "DELETE" }), 404, "not_found");
		const problem = await expectProblem(await api("/v1/admin/keys/not-an-id", { method: "DELETE" }), 422);
		expect(locations(problem)).toEqual(["param.id"]);
	});
});

describe("POST /v1/admin/keys/{id}/rotate", () => {
	it("issues a working replacement; the old key works until grace_until, then gets 403", async () => {
		const old = await create({ name: "rotating", scopes: ["read"], limits: { burst: 4, requests_per_minute: 30 } });
		expect(await accepted(old.key)).toBe(true);

		const started = Date.now();
		const res = await postJson(`/v1/admin/keys/${old.info.id}/rotate`, { grace_hours: 2 });
		expect(res.headers.get("Cache-Control")).toBe("no-store");
		const rotated = await readJson(res, RotatedKey, 201);
		expect(rotated.key).not.toBe(old.key);
		expect(rotated.info).toMatchObject({ name: "rotating", scopes: ["read"], limits: old.info.limits });
		expect(rotated.previous).toMatchObject({ id: old.info.id, rotated_to: rotated.info.id });
		const grace = Date.parse(rotated.previous.grace_until ?? "");
		expect(grace).toBeGreaterThanOrEqual(started + 2 * 3_600_000 - 1000);
		expect(grace).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);

		expect(await accepted(rotated.key)).toBe(true);
		expect(await accepted(old.key)).toBe(true);

		// The grace period ends: rewrite the old record's grace_until into the past.
		const hash = await hashApiKey(old.key);
		const record = KeyRecord.parse(JSON.parse((await env.API_KEYS.get(KV.record(hash))) ?? "null"));
		await env.API_KEYS.put(
			KV.record(hash),
			JSON.stringify({ ...record, grace_until: new Date(Date.now() - 1000).toISOString() }),
		);
		forgetValidatedKeys();
		await expectProblem(await api("/v1/cards", asKey(old.key)), 403, "forbidden");
		expect(await accepted(rotated.key)).toBe(true);
	});

	it("defaults the grace period to KEY_ROTATION_GRACE_HOURS when there is no body", async () => {
		const old = await create({ name: "rotate default" });
		const res = await api(`/v1/admin/keys/${old.info.id}/rotate`, { method: "POST" });
		const rotated = await readJson(res, RotatedKey, 201);
		const hours = (Date.parse(rotated.previous.grace_until ?? "") - Date.now()) / 3_600_000;
		expect(hours).toBeGreaterThan(23.9);
		expect(hours).toBeLessThanOrEqual(24);
	});

	it("with grace_hours 0 stops the old key at once", async () => {
		const old = await create({ name: "rotate now" });
		expect(await accepted(old.key)).toBe(true);
		const rotated = await readJson(
			await postJson(`/v1/admin/keys/${old.info.id}/rotate`, { grace_hours: 0 }),
			RotatedKey,
			201,
		);
		expect(await readStatus(old.key)).toBe(403);
		expect(await accepted(rotated.key)).toBe(true);
	});

	it("refuses to rotate a key that is already being rotated (its successor is the one to rotate)", async () => {
		const old = await create({ name: "rotate twice" });
		const first = await readJson(
			await postJson(`/v1/admin/keys/${old.info.id}/rotate`, { grace_hours: 1 }),
			RotatedKey,
			201,
		);
		const problem = await expectProblem(await postJson(`/v1/admin/keys/${old.info.id}/rotate`, {}), 409, "conflict");
		expect(problem.detail).toContain("already rotated");
		expect(problem).toMatchObject({ rotated_to: first.info.id });
	});

	it("404 for an unknown key, 409 for a revoked one; 422 for a bad grace period", async () => {
		await expectProblem(await postJson("/v1/admin/keys/key_doesNotExist1/rotate", {}), 404, "not_found");
		const revoked = await create({ name: "revoked" });
		await api(`/v1/admin/keys/${revoked.info.id}`, { method: "DELETE" });
		await expectProblem(await postJson(`/v1/admin/keys/${revoked.info.id}/rotate`, {}), 409, "conflict");
		for (const grace_hours of [-1, 24 * 31, "2"]) {
			const problem = await expectProblem(
				await postJson(`/v1/admin/keys/${revoked.info.id}/rotate`, { grace_hours }),
				422,
				"validation_failed",
			);
			expect(locations(problem)).toEqual(["body.grace_hours"]);
		}
	});
});
