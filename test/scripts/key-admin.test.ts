import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api } from "../../scripts/lib/api-client";
import { ApiKeyAdmin } from "../../scripts/lib/key-admin";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker";
import type { KeyWriter } from "../../src/keys/key-writer";
import { KeyStore } from "../../src/keys/store";

// The keys CLI's way through a Worker's admin API (while `npm start` runs, and with --env): the
// real Worker in workerd on loopback, its routes calling its own writers.

let worker: LocalWorker;
let admin: ApiKeyAdmin;

beforeAll(async () => {
	worker = await startLocalWorker();
	const store = new KeyStore(
		(await worker.mf.getKVNamespace("API_KEYS")) as unknown as KVNamespace,
		(await worker.mf.getDurableObjectNamespace("KEY_WRITER")) as unknown as DurableObjectNamespace<KeyWriter>,
	);
	const { key } = await store.issue(
		{ name: "cli admin", scopes: ["read", "admin"], limits: { requests_per_minute: 6000, burst: 200 } },
		"dev",
	);
	const api = new Api({ base: worker.url.origin, key, label: "test Worker" });
	admin = new ApiKeyAdmin(api, store);
});

afterAll(async () => {
	await worker?.dispose();
});

describe("ApiKeyAdmin", () => {
	it("issues with the deployment's defaults, updates, rotates once, revokes once", async () => {
		const { key, record } = await admin.issue({ name: "via api", scopes: ["read"], limits: { requests_per_day: 300 } });
		expect(record.limits).toEqual({ requests_per_minute: 60, burst: 10, requests_per_day: 300 });
		expect((await admin.findByKey(key))?.id).toBe(record.id);

		const updated = await admin.update(record.id, { limits: { requests_per_day: null, burst: 2 } });
		expect(updated).toMatchObject({ ok: true, record: { limits: { requests_per_minute: 60, burst: 2 } } });
		expect(updated.ok && updated.record.limits.requests_per_day).toBeUndefined();

		const rotated = await admin.rotate(record.id, 1);
		if (!rotated.ok) throw new Error(`rotation refused: ${rotated.refusal}`);
		expect(rotated.previous.rotated_to).toBe(rotated.record.id);
		expect(await admin.rotate(record.id)).toMatchObject({
			ok: false,
			refusal: "rotated",
			record: { rotated_to: rotated.record.id },
		});

		expect(await admin.revoke(record.id)).toMatchObject({ ok: true, changed: true });
		expect(await admin.revoke(record.id)).toMatchObject({ ok: true, changed: false });
		expect(await admin.update(record.id, { name: "back" })).toEqual({ ok: false, refusal: "revoked" });
		expect(await admin.revoke("key_doesNotExist1")).toEqual({ ok: false, refusal: "not_found" });

		const listed = await admin.list();
		expect(listed.find((r) => r.id === record.id)?.revoked_at).toBeDefined();
		expect(listed.find((r) => r.id === rotated.record.id)?.revoked_at).toBeUndefined();
	});
});
