import { describe, expect, it } from "vitest";
import { forgetValidatedKeys } from "../../src/api/middleware/auth";
import { ApiKeyInfo, ApiKeyList, CreatedKey, RotatedKey } from "../../src/api/schemas/keys";
import { api, listAll, postJson, readJson } from "../helpers/api";

// The race: rotate, revoke and limit changes sent at one key at the same moment. Each
// trial fires them concurrently, in a different order, then checks that the revocation held.
// forgetValidatedKeys() stands for the documented delay passing (the isolate's key cache
// expiring); the local KV has no edge cache to wait for.

const patchJson = (path: string, body: unknown) =>
	api(path, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const status = async (key: string) => {
	const res = await api("/v1/cards", { headers: { "X-API-Key": key } });
	await res.body?.cancel();
	return res.status;
};
const listed = async (name: string) =>
	(await listAll("/v1/admin/keys?limit=100", ApiKeyList)).filter((k) => k.name === name);

const TRIALS = 20;

describe("concurrent changes to one key", () => {
	it(`a revocation sent with rotations and limit changes always holds (${TRIALS} trials)`, async () => {
		for (let trial = 0; trial < TRIALS; trial++) {
			const name = `race ${trial} ${crypto.randomUUID()}`;
			const created = await readJson(await postJson("/v1/admin/keys", { name }), CreatedKey, 201);
			const { id } = created.info;
			expect(await status(created.key)).not.toBe(403); // now in this isolate's key cache

			const calls: (() => Promise<Response>)[] = [
				() => postJson(`/v1/admin/keys/${id}/rotate`, {}),
				() => patchJson(`/v1/admin/keys/${id}`, { limits: { burst: 3, requests_per_day: 1000 + trial } }),
				() => api(`/v1/admin/keys/${id}`, { method: "DELETE" }),
				() => postJson(`/v1/admin/keys/${id}/rotate`, { grace_hours: 24 }),
				() => patchJson(`/v1/admin/keys/${id}`, { limits: { requests_per_minute: 7 }, name }),
			];
			const order = calls.map((_, i) => calls[(i * 3 + trial) % calls.length] as () => Promise<Response>);
			const responses = await Promise.all(order.map((call) => call()));
			const byCall = calls.map((call) => responses[order.indexOf(call)] as Response);

			const revoked = await readJson(byCall[2] as Response, ApiKeyInfo, 200);
			expect(revoked.revoked_at, `trial ${trial}`).not.toBeNull();
			const rotations = [byCall[0], byCall[3]] as Response[];
			const won = rotations.filter((r) => r.status === 201);
			expect(won.length, `trial ${trial}`).toBeLessThanOrEqual(1);
			for (const r of rotations.filter((r) => r.status !== 201)) expect(r.status, `trial ${trial}`).toBe(409);
			for (const r of [byCall[1], byCall[4]] as Response[]) expect([200, 409], `trial ${trial}`).toContain(r.status);
			const successor = won[0] ? await readJson(won[0], RotatedKey, 201) : undefined;
			for (const r of responses) await r.body?.cancel().catch(() => {});

			forgetValidatedKeys();
			expect(await status(created.key), `trial ${trial}`).toBe(403);
			const keys = await listed(name);
			expect(keys.find((k) => k.id === id)?.revoked_at, `trial ${trial}`).toBe(revoked.revoked_at);
			// The key itself and at most one successor.
			expect(keys.length, `trial ${trial}`).toBe(successor ? 2 : 1);

			// Later changes are refused and the key never comes back.
			const later = await Promise.all([
				postJson(`/v1/admin/keys/${id}/rotate`, {}),
				patchJson(`/v1/admin/keys/${id}`, { limits: { burst: 99 } }),
			]);
			expect(later.map((r) => r.status)).toEqual([409, 409]);
			forgetValidatedKeys();
			expect(await status(created.key), `trial ${trial}`).toBe(403);
			expect((await listed(name)).find((k) => k.id === id)).toMatchObject({ revoked_at: revoked.revoked_at });
		}
	}, 60_000);

	it("two rotations sent together give one successor; the other is told which", async () => {
		for (let trial = 0; trial < 5; trial++) {
			const name = `double rotation ${trial} ${crypto.randomUUID()}`;
			const created = await readJson(await postJson("/v1/admin/keys", { name }), CreatedKey, 201);
			const path = `/v1/admin/keys/${created.info.id}/rotate`;
			const [a, b] = await Promise.all([postJson(path, {}), postJson(path, {})]);
			const statuses = [a?.status, b?.status].sort();
			expect(statuses).toEqual([201, 409]);
			const winner = await readJson((a?.status === 201 ? a : b) as Response, RotatedKey, 201);
			const loser = (await ((a?.status === 201 ? b : a) as Response).json()) as { rotated_to?: string };
			expect(loser.rotated_to).toBe(winner.info.id);
			const keys = await listed(name);
			expect(keys.map((k) => k.id).sort()).toEqual([created.info.id, winner.info.id].sort());
			expect(keys.find((k) => k.id === created.info.id)?.rotated_to).toBe(winner.info.id);
			expect(await status(winner.key)).not.toBe(403);
		}
	}, 30_000);
});
