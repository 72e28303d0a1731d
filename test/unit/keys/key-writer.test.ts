import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { displayPrefix, generateApiKey, hashApiKey, newKeyId } from "../../../src/keys/api-keys";
import { KeyStore, KV } from "../../../src/keys/store";
import { KeyRecord } from "../../../src/keys/types";
import { keyWriterOf } from "../../../src/keys/writers";

const writerOf = (id: string) => keyWriterOf(env.KEY_WRITER, id);
const stubOf = (id: string) => env.KEY_WRITER.get(env.KEY_WRITER.idFromName(id));

/** A fresh record and its hash, not yet registered anywhere. */
async function fresh(overrides: Partial<KeyRecord> = {}) {
	const key = generateApiKey("test");
	const record: KeyRecord = {
		id: newKeyId(),
		name: "writer test",
		prefix: displayPrefix(key),
		scopes: ["read"],
		limits: { requests_per_minute: 60, burst: 10 },
		created_at: new Date().toISOString(),
		...overrides,
	};
	return { key, hash: await hashApiKey(key), record };
}

/** A successor for a rotation. */
async function successor() {
	const key = generateApiKey("test");
	return { id: newKeyId(), hash: await hashApiKey(key), prefix: displayPrefix(key) };
}

/** The read copy KV holds for `hash`. */
const readCopy = async (hash: string) =>
	KeyRecord.parse(JSON.parse((await env.API_KEYS.get(KV.record(hash))) ?? "null"));

describe("KeyWriter.create", () => {
	it("holds the record and writes the read copy and the id index", async () => {
		const { hash, record } = await fresh();
		expect(await writerOf(record.id).create(hash, record)).toEqual({ ok: true, record, changed: true });
		expect(await writerOf(record.id).get(record.id)).toEqual(record);
		expect(await env.API_KEYS.get(KV.byId(record.id))).toBe(hash);
		expect(await readCopy(hash)).toEqual(record);
		const held = await runInDurableObject(stubOf(record.id), (_i, state) => ({
			key: state.storage.kv.get("key"),
			pending: state.storage.kv.get("pending"),
		}));
		expect(held).toEqual({ key: { hash, record }, pending: undefined });
	});

	it("refuses a second key for the same writer", async () => {
		const { hash, record } = await fresh();
		await writerOf(record.id).create(hash, record);
		const other = await fresh({ id: record.id, name: "intruder" });
		expect(await writerOf(record.id).create(other.hash, other.record)).toEqual({ ok: false, refusal: "exists" });
		expect((await writerOf(record.id).get(record.id))?.name).toBe("writer test");
	});
});

describe("KeyWriter adoption", () => {
	it("adopts a key that exists only in KV on its first change", async () => {
		const { key, record } = await new KeyStore(env.API_KEYS).create(
			{ name: "seeded", scopes: ["read"], limits: { requests_per_minute: 5, burst: 5 } },
			"test",
		);
		await env.API_KEYS.put(KV.lastUsed(record.id), "2026-01-02T03:04:05.000Z");
		expect(await writerOf(record.id).get(record.id)).toEqual({ ...record, last_used_at: "2026-01-02T03:04:05.000Z" });
		const change = await writerOf(record.id).revoke(record.id);
		expect(change.ok).toBe(true);
		expect((await readCopy(await hashApiKey(key))).revoked_at).toBeDefined();
	});

	it("refuses changes to an id that exists nowhere", async () => {
		const id = newKeyId();
		expect(await writerOf(id).get(id)).toBeNull();
		expect(await writerOf(id).revoke(id)).toEqual({ ok: false, refusal: "not_found" });
		expect(await writerOf(id).update(id, { name: "x" })).toEqual({ ok: false, refusal: "not_found" });
		expect(await writerOf(id).rotate(id, await successor(), 60)).toEqual({ ok: false, refusal: "not_found" });
	});
});

describe("KeyWriter revocation is sticky", () => {
	it("no later change, rotation or use clears it", async () => {
		const { hash, record } = await fresh();
		const writer = writerOf(record.id);
		await writer.create(hash, record);
		const first = await writer.revoke(record.id);
		if (!first.ok) throw new Error("revoke refused");
		const at = first.record.revoked_at;
		expect(at).toBeDefined();

		expect(await writer.revoke(record.id)).toEqual({ ok: true, record: first.record, changed: false });
		expect(await writer.update(record.id, { limits: { burst: 99 } })).toMatchObject({ ok: false, refusal: "revoked" });
		expect(await writer.rotate(record.id, await successor(), 60)).toMatchObject({ ok: false, refusal: "revoked" });
		await writer.touch(record.id, new Date(Date.now() + 1000).toISOString());

		const held = await writer.get(record.id);
		expect(held?.revoked_at).toBe(at);
		expect(held?.limits.burst).toBe(10);
		expect(held?.last_used_at).toBeDefined();
		expect((await readCopy(hash)).revoked_at).toBe(at);
	});

	it("wins over changes fired at the same moment, in every order", async () => {
		for (let trial = 0; trial < 10; trial++) {
			const { hash, record } = await fresh();
			const writer = writerOf(record.id);
			await writer.create(hash, record);
			const calls = [
				() => writer.rotate(record.id, { id: newKeyId(), hash: `${hash}-${trial}`, prefix: "pk_test_x" }, 3600),
				() => writer.revoke(record.id),
				() => writer.update(record.id, { limits: { requests_per_day: 100 + trial } }),
				() => writer.touch(record.id, new Date().toISOString()),
			];
			// A different order each trial: the revocation lands first, last or in between.
			const order = calls.map((_, i) => calls[(i + trial) % calls.length] as () => Promise<unknown>);
			await Promise.all(order.map((call) => call()));
			const held = await writer.get(record.id);
			expect(held?.revoked_at, `trial ${trial}`).toBeDefined();
			expect((await readCopy(hash)).revoked_at, `trial ${trial}`).toBe(held?.revoked_at);
		}
	});
});

describe("KeyWriter.rotate", () => {
	it("issues one successor, in its own writer, however many rotations race", async () => {
		const { hash, record } = await fresh({ limits: { requests_per_minute: 7, burst: 3, requests_per_day: 50 } });
		await writerOf(record.id).create(hash, record);
		const successors = await Promise.all(Array.from({ length: 5 }, successor));
		const results = await Promise.all(successors.map((s) => writerOf(record.id).rotate(record.id, s, 60)));
		const won = results.filter((r) => r.ok);
		expect(won).toHaveLength(1);
		const winner = won[0];
		if (!winner?.ok) throw new Error("no rotation won");
		for (const lost of results.filter((r) => !r.ok))
			expect(lost).toMatchObject({ refusal: "rotated", record: { rotated_to: winner.successor.id } });
		expect(winner.successor).toMatchObject({ name: "writer test", limits: record.limits, scopes: ["read"] });
		expect(await writerOf(winner.successor.id).get(winner.successor.id)).toEqual(winner.successor);
		const winning = successors.find((s) => s.id === winner.successor.id);
		expect(await env.API_KEYS.get(KV.byId(winner.successor.id))).toBe(winning?.hash);
		// The losers' successors were never registered.
		for (const s of successors.filter((s) => s !== winning)) expect(await env.API_KEYS.get(KV.byId(s.id))).toBeNull();
		expect((await readCopy(hash)).rotated_to).toBe(winner.successor.id);
	});
});

describe("KeyWriter.update", () => {
	it("changes only the limits given; null removes the daily quota", async () => {
		const { hash, record } = await fresh();
		const writer = writerOf(record.id);
		await writer.create(hash, record);
		const set = await writer.update(record.id, { limits: { requests_per_day: 500 }, name: "renamed" });
		expect(set).toMatchObject({
			ok: true,
			record: { name: "renamed", limits: { requests_per_minute: 60, burst: 10, requests_per_day: 500 } },
		});
		expect((await readCopy(hash)).limits.requests_per_day).toBe(500);
		const cleared = await writer.update(record.id, { limits: { requests_per_day: null, burst: 2 } });
		expect(cleared.ok && cleared.record.limits).toEqual({ requests_per_minute: 60, burst: 2 });
		expect((await readCopy(hash)).limits).toEqual({ requests_per_minute: 60, burst: 2 });
	});

	it("sets and clears an expiry; an expired key is refused", async () => {
		const { hash, record } = await fresh();
		const writer = writerOf(record.id);
		await writer.create(hash, record);
		const soon = new Date(Date.now() + 60_000).toISOString();
		expect(await writer.update(record.id, { expires_at: soon })).toMatchObject({ record: { expires_at: soon } });
		const cleared = await writer.update(record.id, { expires_at: null });
		expect(cleared.ok && cleared.record.expires_at).toBeUndefined();

		const expired = await fresh({ expires_at: new Date(Date.now() - 1000).toISOString() });
		await writerOf(expired.record.id).create(expired.hash, expired.record);
		expect(await writerOf(expired.record.id).update(expired.record.id, { expires_at: null })).toMatchObject({
			ok: false,
			refusal: "expired",
		});
	});
});

describe("KeyWriter.touch", () => {
	it("writes used:<id> apart from the read copy, and never goes back in time", async () => {
		const { hash, record } = await fresh();
		const writer = writerOf(record.id);
		await writer.create(hash, record);
		await writer.touch(record.id, "2026-08-01T10:00:00.000Z");
		await writer.touch(record.id, "2026-07-01T10:00:00.000Z");
		expect(await env.API_KEYS.get(KV.lastUsed(record.id))).toBe("2026-08-01T10:00:00.000Z");
		expect((await writer.get(record.id))?.last_used_at).toBe("2026-08-01T10:00:00.000Z");
		expect(await readCopy(hash)).toEqual(record);
	});
});

describe("KeyWriter read copy", () => {
	it("is written again by the alarm when a write did not land", async () => {
		const { hash, record } = await fresh();
		const writer = writerOf(record.id);
		await writer.create(hash, record);
		await writer.revoke(record.id);
		// As if the last KV write had failed: the copy is stale and the writer knows it.
		await env.API_KEYS.put(KV.record(hash), JSON.stringify(record));
		await runInDurableObject(stubOf(record.id), async (_i, state) => {
			state.storage.kv.put("pending", true);
			await state.storage.setAlarm(Date.now() + 60_000);
		});
		expect(await runDurableObjectAlarm(stubOf(record.id))).toBe(true);
		expect((await readCopy(hash)).revoked_at).toBeDefined();
		expect(await runInDurableObject(stubOf(record.id), (_i, state) => state.storage.kv.get("pending"))).toBeUndefined();
	});

	it("is repaired by revoking again after something else overwrote it", async () => {
		const { hash, record } = await fresh();
		const writer = writerOf(record.id);
		await writer.create(hash, record);
		const first = await writer.revoke(record.id);
		await env.API_KEYS.put(KV.record(hash), JSON.stringify(record)); // a stray write from outside
		expect(await writer.revoke(record.id)).toMatchObject({ ok: true, changed: false });
		expect((await readCopy(hash)).revoked_at).toBe(first.ok ? first.record.revoked_at : "");
	});
});
