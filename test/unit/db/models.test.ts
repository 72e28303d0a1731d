import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
	getChampion,
	getModelVersion,
	insertBuildingVersion,
	markReady,
	promote,
	promoteIfUnchanged,
} from "../../../src/db/models";
import { resetModels, SPEC } from "../../helpers/model";

const NOW = "2026-08-22T00:00:00.000Z";

/** Inserts a version row in 'building' state. */
async function insertVersion(version: string, ready: boolean) {
	await insertBuildingVersion(env.DB, {
		version,
		spec: SPEC,
		artifact_prefix: `models/${version}/`,
		manifest_sha256: "0".repeat(64),
		card_count: 1,
		row_count: 3,
		data_from: "2026-01-01",
		data_as_of: "2026-01-03",
		source: "test",
		created_at: NOW,
	}).run();
	if (ready) await markReady(env.DB, version).run();
}

const alias = () =>
	env.DB.prepare("SELECT version, previous FROM model_aliases WHERE alias = 'champion'").first<{
		version: string;
		previous: string | null;
	}>();

describe("model versions and the champion alias", () => {
	beforeEach(resetModels);

	it("has no champion before any promotion", async () => {
		expect(await getChampion(env.DB)).toBeNull();
	});

	it("reads a version back with its spec parsed", async () => {
		await insertVersion("v-a", true);
		const version = await getModelVersion(env.DB, "v-a");
		expect(version).toMatchObject({ version: "v-a", status: "ready", spec: SPEC, card_count: 1 });
		expect(version).not.toHaveProperty("params");
		expect(await getModelVersion(env.DB, "v-missing")).toBeNull();
	});

	it("does not overwrite an existing version row", async () => {
		await insertVersion("v-a", true);
		await insertVersion("v-a", false);
		expect((await getModelVersion(env.DB, "v-a"))?.status).toBe("ready");
	});

	it("refuses to promote a version that is still building", async () => {
		await insertVersion("v-building", false);
		expect(await promote(env.DB, "v-building", NOW)).toBe(false);
		expect(await getChampion(env.DB)).toBeNull();
	});

	it("refuses to promote a version that does not exist", async () => {
		expect(await promote(env.DB, "v-nowhere", NOW)).toBe(false);
		expect(await alias()).toBeNull();
	});

	it("promotes a ready version and remembers the one it replaced", async () => {
		await insertVersion("v-a", true);
		await insertVersion("v-b", true);
		expect(await promote(env.DB, "v-a", NOW)).toBe(true);
		expect(await alias()).toEqual({ version: "v-a", previous: null });
		expect(await promote(env.DB, "v-b", NOW)).toBe(true);
		expect(await alias()).toEqual({ version: "v-b", previous: "v-a" });
		expect((await getChampion(env.DB))?.version).toBe("v-b");
	});

	it("keeps `previous` when the champion is promoted again", async () => {
		await insertVersion("v-a", true);
		await insertVersion("v-b", true);
		await promote(env.DB, "v-a", NOW);
		await promote(env.DB, "v-b", NOW);
		await promote(env.DB, "v-b", NOW);
		expect(await alias()).toEqual({ version: "v-b", previous: "v-a" });
	});

	it("promotes under other aliases without touching the champion", async () => {
		await insertVersion("v-a", true);
		await insertVersion("v-b", true);
		await promote(env.DB, "v-a", NOW);
		expect(await promote(env.DB, "v-b", NOW, "challenger")).toBe(true);
		expect((await getChampion(env.DB))?.version).toBe("v-a");
	});
});

describe("promoteIfUnchanged (a run's promotion)", () => {
	beforeEach(resetModels);

	it("creates the champion only when the run saw none", async () => {
		await insertVersion("v-cas-a", true);
		expect((await promoteIfUnchanged(env.DB, "v-cas-a", null, NOW).run()).meta.changes).toBe(1);
		expect(await alias()).toEqual({ version: "v-cas-a", previous: null });
	});

	it("moves the champion only if it still names the one the run compared against", async () => {
		await insertVersion("v-cas-a", true);
		await insertVersion("v-cas-b", true);
		await insertVersion("v-cas-c", true);
		await promote(env.DB, "v-cas-a", NOW);
		// A run that started before any champion existed may not overwrite one.
		expect((await promoteIfUnchanged(env.DB, "v-cas-b", null, NOW).run()).meta.changes).toBe(0);
		// Nor may a run that compared against another champion.
		expect((await promoteIfUnchanged(env.DB, "v-cas-b", "v-cas-c", NOW).run()).meta.changes).toBe(0);
		expect(await alias()).toEqual({ version: "v-cas-a", previous: null });
		expect((await promoteIfUnchanged(env.DB, "v-cas-b", "v-cas-a", NOW).run()).meta.changes).toBe(1);
		expect(await alias()).toEqual({ version: "v-cas-b", previous: "v-cas-a" });
	});

	it("refuses a version that is still building", async () => {
		await insertVersion("v-cas-building", false);
		expect((await promoteIfUnchanged(env.DB, "v-cas-building", null, NOW).run()).meta.changes).toBe(0);
		expect(await alias()).toBeNull();
	});
});
