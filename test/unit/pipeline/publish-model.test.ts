import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { artifactKeys } from "../../../src/lib/artifact-keys";
import { publishModel } from "../../../src/pipeline/publish-model";
import { cardRows, championVersion, resetModels, SPEC } from "../../helpers/model";

const ROWS = [...cardRows("pub-a", [10, 20, 30]), ...cardRows("pub-b", [5, 5], { start: "2026-02-01" })];

describe("publishModel", () => {
	beforeEach(resetModels);

	it("names the version after the last date and a fingerprint of spec and data", async () => {
		const result = await publishModel(env, ROWS, { spec: SPEC, source: "test" });
		expect(result.version).toMatch(/^v20260202-[0-9a-f]{10}$/);
		expect(result).toMatchObject({ created: true, promoted: true, cards: 2, rows: 5, data_as_of: "2026-02-02" });
		expect(result.manifest_sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it("gives the same input the same version, whatever the row order or the clock", async () => {
		const first = await publishModel(env, ROWS, { spec: SPEC, source: "test", now: new Date("2026-01-01") });
		const again = await publishModel(env, [...ROWS].reverse(), {
			spec: SPEC,
			source: "test",
			now: new Date("2027-01-01"),
		});
		expect(again.version).toBe(first.version);
		expect(again.manifest_sha256).toBe(first.manifest_sha256);
		expect(again.created).toBe(false);
	});

	it("gives a different spec or different data a different version", async () => {
		const base = await publishModel(env, ROWS, { spec: SPEC, source: "test" });
		const otherSpec = await publishModel(env, ROWS, { spec: { ...SPEC, window: 5 }, source: "test" });
		const otherData = await publishModel(env, [...ROWS, ...cardRows("pub-c", [1])], { spec: SPEC, source: "test" });
		expect(new Set([base.version, otherSpec.version, otherData.version]).size).toBe(3);
	});

	it("builds without promoting when asked", async () => {
		const result = await publishModel(env, ROWS, { spec: SPEC, source: "test", promote: false });
		expect(result.promoted).toBe(false);
		expect(await championVersion()).toBeNull();
		const row = await env.DB.prepare("SELECT status FROM model_versions WHERE version = ?")
			.bind(result.version)
			.first<{ status: string }>();
		expect(row?.status).toBe("ready");
		expect(await env.ARCHIVE.head(artifactKeys.manifest(result.version))).not.toBeNull();
	});

	it("refuses to build from no rows", async () => {
		await expect(publishModel(env, [], { spec: SPEC, source: "test" })).rejects.toThrow(/no price rows/);
		expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM model_versions").first<{ n: number }>()).toEqual({ n: 0 });
	});

	it("finishes a version a failed build left 'building', then promotes it", async () => {
		const first = await publishModel(env, ROWS, { spec: SPEC, source: "test", promote: false });
		// Simulate a crash between the version row and markReady: status back to building, catalogue half-written.
		await env.DB.batch([
			env.DB.prepare("UPDATE model_versions SET status = 'building' WHERE version = ?").bind(first.version),
			env.DB.prepare("DELETE FROM model_cards WHERE version = ? AND card_id = 'pub-b'").bind(first.version),
		]);
		const retried = await publishModel(env, ROWS, { spec: SPEC, source: "test" });
		expect(retried).toMatchObject({ version: first.version, created: true, promoted: true });
		const cards = await env.DB.prepare("SELECT card_id FROM model_cards WHERE version = ? ORDER BY card_id")
			.bind(first.version)
			.all<{ card_id: string }>();
		expect(cards.results.map((r) => r.card_id)).toEqual(["pub-a", "pub-b"]);
		expect(await championVersion()).toBe(first.version);
	});
});
