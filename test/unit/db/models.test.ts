import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
	getChampion,
	getModelVersion,
	listAliases,
	listModelVersions,
	type NewVersion,
	promote,
	promoteIfUnchanged,
	promoteStatement,
	recordAliasEvent,
	registerVersion,
} from "../../../src/db/models";
import type { RuleSpec } from "../../../src/model/rules";
import { resetModels, SPEC } from "../../helpers/model";

const NOW = "2026-08-22T00:00:00.000Z";

/** A ready rule version as a run registers it. */
const ruleVersion = (version: string, rule: RuleSpec = SPEC, overrides: Partial<NewVersion> = {}): NewVersion => ({
	version,
	kind: "rule",
	estimator: rule.rule,
	params: rule,
	artifact_key: null,
	trained_through: null,
	row_count: 3,
	data_from: "2026-01-01",
	data_as_of: "2026-01-03",
	source: "test",
	created_at: NOW,
	run_id: null,
	figures: null,
	...overrides,
});

const register = (v: NewVersion) => registerVersion(env.DB, v).run();

/** Inserts a row as the schema allows but registerVersion never writes: still building. */
const insertBuilding = (version: string) =>
	env.DB.prepare(
		`INSERT INTO model_versions (version, status, estimator, params, artifact_prefix, manifest_sha256, card_count,
		   row_count, data_from, data_as_of, source, created_at)
		 VALUES (?, 'building', 'fair_value', ?, '', '', 0, 0, '2026-01-01', '2026-01-03', 'test', ?)`,
	)
		.bind(version, JSON.stringify(SPEC), NOW)
		.run();

/** Inserts a version as stored before learned models: no kind column written, the old spec shape. */
const insertLegacy = (version: string, params: unknown) =>
	env.DB.prepare(
		`INSERT INTO model_versions (version, status, estimator, params, artifact_prefix, manifest_sha256, card_count,
		   row_count, data_from, data_as_of, source, created_at)
		 VALUES (?, 'ready', 'trailing_mean', ?, ?, ?, 16, 7630, '2024-01-01', '2026-08-21', 'sample', ?)`,
	)
		.bind(version, JSON.stringify(params), `models/${version}/`, "0".repeat(64), NOW)
		.run();

const alias = (name = "champion") =>
	env.DB.prepare("SELECT version, previous FROM model_aliases WHERE alias = ?")
		.bind(name)
		.first<{ version: string; previous: string | null }>();

describe("registerVersion / getModelVersion", () => {
	beforeEach(resetModels);

	it("reads a rule version back with its rule as the spec", async () => {
		await register(ruleVersion("v-rule", SPEC, { figures: { score: 0.25 }, run_id: "run-1" }));
		expect(await getModelVersion(env.DB, "v-rule")).toEqual({
			version: "v-rule",
			status: "ready",
			kind: "rule",
			spec: { kind: "rule", rule: SPEC },
			artifact_key: null,
			trained_through: null,
			row_count: 3,
			data_from: "2026-01-01",
			data_as_of: "2026-01-03",
			source: "test",
			created_at: NOW,
			run_id: "run-1",
			figures: { score: 0.25 },
		});
		expect(await getModelVersion(env.DB, "v-missing")).toBeNull();
	});

	it("reads a learned version back with its summary, artifact key and training date", async () => {
		const summary = { learner: "gbt", trees: 40, features: ["r1", "r7"] };
		await register(
			ruleVersion("v-learned", SPEC, {
				kind: "learned",
				estimator: "gbt",
				params: summary,
				artifact_key: "models/v-learned/model.json",
				trained_through: "2026-01-02",
			}),
		);
		expect(await getModelVersion(env.DB, "v-learned")).toMatchObject({
			kind: "learned",
			spec: { kind: "learned", summary },
			artifact_key: "models/v-learned/model.json",
			trained_through: "2026-01-02",
			figures: null,
		});
	});

	it("never changes a version once registered", async () => {
		await register(ruleVersion("v-a"));
		const momentum: RuleSpec = { rule: "momentum", window: 7, threshold: 0.1 };
		const again = await register(ruleVersion("v-a", momentum, { row_count: 99, source: "other" }));
		expect(again.meta.changes).toBe(0);
		expect(await getModelVersion(env.DB, "v-a")).toMatchObject({
			spec: { kind: "rule", rule: SPEC },
			row_count: 3,
			source: "test",
		});
	});

	it("reads a version stored before learned models as the fair-value rule it was", async () => {
		await insertLegacy("v-legacy-mean", {
			estimator: "trailing_mean",
			window: 3,
			buy_threshold: 0.1,
			sell_threshold: 0.15,
		});
		await insertLegacy("v-legacy-ewm", { estimator: "ewm", halflife: 7, buy_threshold: 0.05, sell_threshold: 0.1 });
		expect(await getModelVersion(env.DB, "v-legacy-mean")).toMatchObject({
			kind: "rule",
			spec: {
				kind: "rule",
				rule: {
					rule: "fair_value",
					fair: { estimator: "trailing_mean", window: 3 },
					buy_threshold: 0.1,
					sell_threshold: 0.15,
				},
			},
			artifact_key: null,
			trained_through: null,
			figures: null,
			row_count: 7630,
		});
		expect((await getModelVersion(env.DB, "v-legacy-ewm"))?.spec).toEqual({
			kind: "rule",
			rule: { rule: "fair_value", fair: { estimator: "ewm", halflife: 7 }, buy_threshold: 0.05, sell_threshold: 0.1 },
		});
	});

	it("reads a stored spec it cannot understand as always-HOLD", async () => {
		await insertLegacy("v-legacy-bad", { estimator: "trailing_mean", window: 3 });
		expect((await getModelVersion(env.DB, "v-legacy-bad"))?.spec).toEqual({ kind: "rule", rule: { rule: "hold" } });
	});
});

describe("promote and the champion alias", () => {
	beforeEach(resetModels);

	it("has no champion before any promotion", async () => {
		expect(await getChampion(env.DB)).toBeNull();
	});

	it("refuses a version that is missing or still building", async () => {
		await insertBuilding("v-building");
		expect(await promote(env.DB, "v-building", NOW)).toBe(false);
		expect(await promote(env.DB, "v-nowhere", NOW)).toBe(false);
		expect(await alias()).toBeNull();
		expect(await getChampion(env.DB)).toBeNull();
	});

	it("promotes a ready version and remembers the one it replaced", async () => {
		await register(ruleVersion("v-a"));
		await register(ruleVersion("v-b"));
		expect(await promote(env.DB, "v-a", NOW)).toBe(true);
		expect(await alias()).toEqual({ version: "v-a", previous: null });
		expect((await promoteStatement(env.DB, "v-b", NOW).run()).meta.changes).toBe(1);
		expect(await alias()).toEqual({ version: "v-b", previous: "v-a" });
		expect((await getChampion(env.DB))?.version).toBe("v-b");
	});

	it("keeps `previous` when the champion is promoted again", async () => {
		await register(ruleVersion("v-a"));
		await register(ruleVersion("v-b"));
		await promote(env.DB, "v-a", NOW);
		await promote(env.DB, "v-b", NOW);
		await promote(env.DB, "v-b", NOW);
		expect(await alias()).toEqual({ version: "v-b", previous: "v-a" });
	});

	it("moves other aliases without touching the champion", async () => {
		await register(ruleVersion("v-a"));
		await register(ruleVersion("v-b"));
		await promote(env.DB, "v-a", NOW);
		expect(await promote(env.DB, "v-b", "2026-08-23T00:00:00.000Z", "challenger")).toBe(true);
		expect((await getChampion(env.DB))?.version).toBe("v-a");
		expect(await listAliases(env.DB)).toEqual([
			{ alias: "challenger", version: "v-b", previous: null, updated_at: "2026-08-23T00:00:00.000Z" },
			{ alias: "champion", version: "v-a", previous: null, updated_at: NOW },
		]);
	});
});

describe("promoteIfUnchanged (a run's promotion)", () => {
	beforeEach(resetModels);

	const changes = async (version: string, expected: string | null) =>
		(await promoteIfUnchanged(env.DB, version, expected, NOW).run()).meta.changes;

	it("creates the champion only when the run saw none", async () => {
		await register(ruleVersion("v-a"));
		expect(await changes("v-a", null)).toBe(1);
		expect(await alias()).toEqual({ version: "v-a", previous: null });
	});

	it("does not create the alias for a run that expected a champion", async () => {
		await register(ruleVersion("v-a"));
		expect(await changes("v-a", "v-gone")).toBe(0);
		expect(await alias()).toBeNull();
	});

	it("moves the champion only if it still names the one the run compared against", async () => {
		for (const v of ["v-a", "v-b", "v-c"]) await register(ruleVersion(v));
		await promote(env.DB, "v-a", NOW);
		// A run that started before any champion existed may not overwrite one.
		expect(await changes("v-b", null)).toBe(0);
		// Nor may a run that compared against another champion.
		expect(await changes("v-b", "v-c")).toBe(0);
		expect(await alias()).toEqual({ version: "v-a", previous: null });
		expect(await changes("v-b", "v-a")).toBe(1);
		expect(await alias()).toEqual({ version: "v-b", previous: "v-a" });
	});

	it("refuses a version that is still building", async () => {
		await insertBuilding("v-building");
		expect(await changes("v-building", null)).toBe(0);
		expect(await alias()).toBeNull();
	});
});

describe("listModelVersions", () => {
	beforeEach(resetModels);

	it("lists newest first (ties by version, descending) and pages by the (created_at, version) cursor", async () => {
		await register(ruleVersion("v-1", SPEC, { created_at: "2026-08-01T00:00:00.000Z" }));
		await register(ruleVersion("v-2a", SPEC, { created_at: "2026-08-02T00:00:00.000Z" }));
		await register(ruleVersion("v-2b", SPEC, { created_at: "2026-08-02T00:00:00.000Z" }));
		await register(ruleVersion("v-3", SPEC, { created_at: "2026-08-03T00:00:00.000Z" }));
		const first = await listModelVersions(env.DB, { limit: 2 });
		expect(first.map((v) => v.version)).toEqual(["v-3", "v-2b"]);
		const last = first.at(-1) as (typeof first)[number];
		const second = await listModelVersions(env.DB, {
			limit: 2,
			before: { created_at: last.created_at, version: last.version },
		});
		expect(second.map((v) => v.version)).toEqual(["v-2a", "v-1"]);
		expect(
			await listModelVersions(env.DB, { limit: 2, before: { created_at: "2026-08-01T00:00:00.000Z", version: "v-1" } }),
		).toEqual([]);
		expect(second[0]?.spec).toEqual({ kind: "rule", rule: SPEC });
	});
});

describe("recordAliasEvent", () => {
	beforeEach(() => env.DB.prepare("DELETE FROM alias_events").run());

	it("records who moved which alias from what, the champion by default", async () => {
		await env.DB.batch([
			recordAliasEvent(env.DB, { version: "v-b", previous: "v-a", actor: "run:r1", at: NOW }),
			recordAliasEvent(env.DB, { alias: "challenger", version: "v-c", previous: null, actor: "key:k1", at: NOW }),
		]);
		const { results } = await env.DB.prepare(
			"SELECT alias, version, previous, actor, at FROM alias_events ORDER BY id",
		).all();
		expect(results).toEqual([
			{ alias: "champion", version: "v-b", previous: "v-a", actor: "run:r1", at: NOW },
			{ alias: "challenger", version: "v-c", previous: null, actor: "key:k1", at: NOW },
		]);
	});
});
