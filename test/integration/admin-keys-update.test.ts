import { describe, expect, it } from "vitest";
import { forgetValidatedKeys } from "../../src/api/middleware/auth";
import { ApiKeyInfo, ApiKeyList, CreatedKey } from "../../src/api/schemas/keys";
import { api, expectProblem, listAll, locations, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";

const patchJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	api(path, {
		method: "PATCH",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
const create = async (body: Record<string, unknown>) =>
	readJson(await postJson("/v1/admin/keys", body), CreatedKey, 201);
const statusFor = async (key: string) => {
	const res = await api("/v1/cards", { headers: { "X-API-Key": key } });
	await res.body?.cancel();
	return res.status;
};

describe("PATCH /v1/admin/keys/{id}", () => {
	it("changes only the limits given, and the new limits apply to the key's next request", async () => {
		const created = await create({ name: "patched", limits: { requests_per_minute: 600, burst: 50 } });
		expect(await statusFor(created.key)).not.toBe(429); // cached in this isolate with burst 50
		const res = await patchJson(`/v1/admin/keys/${created.info.id}`, { limits: { burst: 1 } });
		const info = await readJson(res, ApiKeyInfo);
		expect(info).toMatchObject({ id: created.info.id, limits: { requests_per_minute: 600, burst: 1 } });
		// The bucket now holds at most one token: the second request is refused.
		expect(await statusFor(created.key)).not.toBe(429);
		expect(await statusFor(created.key)).toBe(429);
		const listed = (await listAll("/v1/admin/keys?limit=100", ApiKeyList)).find((k) => k.id === info.id);
		expect(listed).toEqual(info);
	});

	it("sets and removes the daily quota, renames, and sets and clears the expiry", async () => {
		const { info } = await create({ name: "quota" });
		const path = `/v1/admin/keys/${info.id}`;
		const set = await readJson(
			await patchJson(path, { limits: { requests_per_day: 5000 }, name: "quota 2" }),
			ApiKeyInfo,
		);
		expect(set).toMatchObject({
			name: "quota 2",
			limits: { requests_per_minute: 60, burst: 10, requests_per_day: 5000 },
		});
		const expires = new Date(Date.now() + 86_400_000).toISOString();
		const expiring = await readJson(await patchJson(path, { expires_at: expires }), ApiKeyInfo);
		expect(expiring.expires_at).toBe(expires);
		const cleared = await readJson(
			await patchJson(path, { limits: { requests_per_day: null }, expires_at: null }),
			ApiKeyInfo,
		);
		expect(cleared.limits).toEqual({ requests_per_minute: 60, burst: 10 });
		expect(cleared.expires_at).toBeNull();
	});

	it("refuses a revoked key (409) and never un-revokes it", async () => {
		const created = await create({ name: "gone" });
		await readJson(await api(`/v1/admin/keys/${created.info.id}`, { method: "DELETE" }), ApiKeyInfo);
		const problem = await expectProblem(
			await patchJson(`/v1/admin/keys/${created.info.id}`, { limits: { burst: 5 } }),
			409,
			"conflict",
		);
		expect(problem.detail).toMatch(/revoked/);
		forgetValidatedKeys();
		expect(await statusFor(created.key)).toBe(403);
	});

	it("refuses an expired key (409): it cannot be brought back", async () => {
		const { record } = await issueKey({ expires_at: new Date(Date.now() - 1000).toISOString() });
		const problem = await expectProblem(
			await patchJson(`/v1/admin/keys/${record.id}`, { expires_at: null }),
			409,
			"conflict",
		);
		expect(problem.detail).toMatch(/expired/);
	});

	it("404 for an unknown id; 422 naming the field for bad input", async () => {
		await expectProblem(await patchJson("/v1/admin/keys/key_doesNotExist1", { name: "x" }), 404, "not_found");
		const { info } = await create({ name: "bad input" });
		const path = `/v1/admin/keys/${info.id}`;
		const cases: [unknown, string][] = [
			[{ limits: { burst: 0 } }, "body.limits.burst"],
			[{ limits: { requests_per_day: 1.5 } }, "body.limits.requests_per_day"],
			[{ limits: { per_hour: 5 } }, "body.limits"],
			[{ expires_at: "tomorrow" }, "body.expires_at"],
			[{ expires_at: new Date(Date.now() - 60_000).toISOString() }, "body.expires_at"],
			[{ scopes: ["admin"] }, "body"],
		];
		for (const [body, location] of cases) {
			const problem = await expectProblem(await patchJson(path, body), 422, "validation_failed");
			expect(locations(problem), JSON.stringify(body)).toContain(location);
		}
		await expectProblem(await patchJson(path, {}), 422, "validation_failed");
		await expectProblem(await patchJson("/v1/admin/keys/nope", { name: "x" }), 422, "validation_failed");
		// Nothing above changed the key.
		const listed = (await listAll("/v1/admin/keys?limit=100", ApiKeyList)).find((k) => k.id === info.id);
		expect(listed).toEqual(info);
	});

	it("needs the admin scope", async () => {
		const reader = await issueKey({ scopes: ["read"] });
		const { info } = await create({ name: "target" });
		await expectProblem(
			await patchJson(`/v1/admin/keys/${info.id}`, { name: "hijacked" }, { "X-API-Key": reader.key }),
			403,
			"forbidden",
		);
	});
});

describe("OpenAPI", () => {
	it("names every key operation", async () => {
		const doc = (await (await api("/openapi.json")).json()) as {
			paths: Record<string, Record<string, { operationId?: string }>>;
		};
		expect(doc.paths["/v1/admin/keys"]?.post?.operationId).toBe("createKey");
		expect(doc.paths["/v1/admin/keys"]?.get?.operationId).toBe("listKeys");
		expect(doc.paths["/v1/admin/keys/{id}"]?.delete?.operationId).toBe("revokeKey");
		expect(doc.paths["/v1/admin/keys/{id}"]?.patch?.operationId).toBe("updateKey");
		expect(doc.paths["/v1/admin/keys/{id}/rotate"]?.post?.operationId).toBe("rotateKey");
	});
});
