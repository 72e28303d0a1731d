import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey } from "../../../src/keys/api-keys";
import { recordState } from "../../../src/keys/changes";
import { KeyStore, KV, type NewKey } from "../../../src/keys/store";
import { KeyRecord } from "../../../src/keys/types";

const store = new KeyStore(env.API_KEYS);
const NEW: NewKey = { name: "store test", scopes: ["read"], limits: { requests_per_minute: 60, burst: 10 } };

/** Every KV entry as [name, value]. */
async function dumpKv(): Promise<[string, string][]> {
	const { keys } = await env.API_KEYS.list();
	return Promise.all(keys.map(async ({ name }) => [name, (await env.API_KEYS.get(name)) ?? ""] as [string, string]));
}

describe("KeyStore.create", () => {
	it("stores the record under key:<sha256> and the hash under keyid:<id>, never the secret", async () => {
		const { key, record } = await store.create(NEW, "test", new Date("2026-03-01T00:00:00Z"));
		const hash = await hashApiKey(key);
		expect(await env.API_KEYS.get(KV.byId(record.id))).toBe(hash);
		const stored = JSON.parse((await env.API_KEYS.get(`key:${hash}`)) ?? "null");
		expect(stored).toEqual({
			id: record.id,
			name: "store test",
			prefix: key.slice(0, 12),
			scopes: ["read"],
			limits: { requests_per_minute: 60, burst: 10 },
			created_at: "2026-03-01T00:00:00.000Z",
		});
		expect(KeyRecord.strict().safeParse(stored).success).toBe(true);
		for (const [name, value] of await dumpKv()) {
			expect(name).not.toContain(key);
			expect(value).not.toContain(key);
			expect(value).not.toContain(key.slice(12));
		}
	});

	it("de-duplicates scopes and keeps an expiry", async () => {
		const { record } = await store.create(
			{ ...NEW, scopes: ["read", "admin", "read"], expires_at: "2030-01-01T00:00:00.000Z" },
			"test",
		);
		expect(record.scopes).toEqual(["read", "admin"]);
		expect(record.expires_at).toBe("2030-01-01T00:00:00.000Z");
	});

	it("registers a preset key only when it is well formed for the environment", async () => {
		const preset = generateApiKey("dev");
		const { key } = await store.create(NEW, "dev", new Date(), preset);
		expect(key).toBe(preset);
		expect((await store.findByKey(preset))?.name).toBe("store test");
		await expect(store.create(NEW, "test", new Date(), generateApiKey("dev"))).rejects.toThrow(/pk_test_/);
		await expect(store.create(NEW, "dev", new Date(), "pk_dev_short")).rejects.toThrow(/well-formed/);
	});
});

describe("KeyStore lookups", () => {
	it("finds a record by its key and by its id; null for unknown ones", async () => {
		const { key, record } = await store.create(NEW, "test");
		expect(await store.findByKey(key)).toEqual(record);
		expect(await store.findById(record.id)).toEqual({ hash: await hashApiKey(key), record });
		expect(await store.findByKey(generateApiKey("test"))).toBeNull();
		expect(await store.findById("key_doesNotExist")).toBeNull();
	});

	it("lists every record oldest first, with its last use, and no hash or secret", async () => {
		const later = await store.create({ ...NEW, name: "later" }, "test", new Date("2026-05-02T00:00:00Z"));
		const earlier = await store.create({ ...NEW, name: "earlier" }, "test", new Date("2026-05-01T00:00:00Z"));
		await store.touch(later.record.id, new Date("2026-05-03T12:00:00Z"));

		const listed = await store.list();
		const ids = listed.map((r) => r.id);
		expect(ids.indexOf(earlier.record.id)).toBeLessThan(ids.indexOf(later.record.id));
		const created = listed.map((r) => r.created_at);
		expect(created).toEqual([...created].sort());
		expect(listed.find((r) => r.id === later.record.id)?.last_used_at).toBe("2026-05-03T12:00:00.000Z");
		expect(listed.find((r) => r.id === earlier.record.id)?.last_used_at).toBeUndefined();
		const text = JSON.stringify(listed);
		for (const secret of [later.key, earlier.key, await hashApiKey(later.key), await hashApiKey(earlier.key)])
			expect(text).not.toContain(secret);
	});
});

describe("KeyStore.revoke (through the key's writer)", () => {
	it("marks the record revoked once; unknown ids are refused", async () => {
		const { key, record } = await store.create(NEW, "test");
		const first = await store.revoke(record.id);
		expect(first).toMatchObject({ ok: true, changed: true });
		const at = first.ok ? first.record.revoked_at : undefined;
		expect(Date.parse(at ?? "")).toBeGreaterThan(Date.now() - 60_000);
		const again = await store.revoke(record.id);
		expect(again).toMatchObject({ ok: true, changed: false, record: { revoked_at: at } });
		expect((await store.findByKey(key))?.revoked_at).toBe(at);
		expect(await store.revoke("key_doesNotExist")).toEqual({ ok: false, refusal: "not_found" });
	});
});

describe("KeyStore.rotate (through the key's writer)", () => {
	it("issues a replacement with the same name, scopes and limits; the old key gets a grace period", async () => {
		const old = await store.create(
			{ ...NEW, scopes: ["read", "admin"], limits: { requests_per_minute: 5, burst: 2 } },
			"test",
		);
		const before = Date.now();
		const rotated = await store.rotate(old.record.id, "test", 3600);
		if (!rotated.ok) throw new Error(`refused: ${rotated.refusal}`);
		expect(rotated.key).not.toBe(old.key);
		expect(rotated.record).toMatchObject({
			name: "store test",
			scopes: ["read", "admin"],
			limits: { requests_per_minute: 5, burst: 2 },
		});
		expect(rotated.record.id).not.toBe(old.record.id);
		expect(rotated.previous).toMatchObject({ id: old.record.id, rotated_to: rotated.record.id });
		const graceUntil = Date.parse(rotated.previous.grace_until ?? "");
		expect(graceUntil).toBeGreaterThanOrEqual(before + 3_600_000);
		expect(graceUntil).toBeLessThan(Date.now() + 3_600_000 + 1000);
		expect(await store.findByKey(old.key)).toEqual(rotated.previous);
		expect(await store.findByKey(rotated.key)).toEqual(rotated.record);
		expect(recordState(rotated.previous, new Date(graceUntil - 1))).toBeNull();
		expect(recordState(rotated.previous, new Date(graceUntil))).toBe("revoked");
	});

	it("refuses unknown, revoked and already rotated keys", async () => {
		expect(await store.rotate("key_doesNotExist", "test", 60)).toEqual({ ok: false, refusal: "not_found" });
		const { record } = await store.create(NEW, "test");
		await store.revoke(record.id);
		expect(await store.rotate(record.id, "test", 60)).toMatchObject({ ok: false, refusal: "revoked" });
		const other = await store.create(NEW, "test");
		expect((await store.rotate(other.record.id, "test", 60)).ok).toBe(true);
		expect(await store.rotate(other.record.id, "test", 60)).toMatchObject({ ok: false, refusal: "rotated" });
	});
});

describe("KeyStore.touch (through the key's writer)", () => {
	it("writes the last use under used:<id> without touching the record", async () => {
		const { key, record } = await store.create(NEW, "test");
		await store.touch(record.id, new Date("2026-08-01T10:00:00Z"));
		expect(await env.API_KEYS.get(KV.lastUsed(record.id))).toBe("2026-08-01T10:00:00.000Z");
		expect(await store.findByKey(key)).toEqual(record);
	});
});

describe("recordState", () => {
	const base: KeyRecord = {
		id: "key_state",
		name: "s",
		prefix: "pk_test_abcd",
		scopes: ["read"],
		limits: { requests_per_minute: 1, burst: 1 },
		created_at: "2026-01-01T00:00:00.000Z",
	};
	const at = new Date("2026-02-01T00:00:00.000Z");

	it("is null for a usable key", () => {
		expect(recordState(base, at)).toBeNull();
		expect(recordState({ ...base, expires_at: "2026-02-01T00:00:01.000Z" }, at)).toBeNull();
		expect(recordState({ ...base, grace_until: "2026-02-01T00:00:01.000Z" }, at)).toBeNull();
	});

	it("says revoked or expired from the moment the time is reached", () => {
		expect(recordState({ ...base, revoked_at: "2026-02-01T00:00:00.000Z" }, at)).toBe("revoked");
		expect(recordState({ ...base, grace_until: "2026-02-01T00:00:00.000Z" }, at)).toBe("revoked");
		expect(recordState({ ...base, expires_at: "2026-02-01T00:00:00.000Z" }, at)).toBe("expired");
		expect(
			recordState({ ...base, expires_at: "2026-01-15T00:00:00.000Z", revoked_at: "2026-01-20T00:00:00.000Z" }, at),
		).toBe("revoked");
	});
});
