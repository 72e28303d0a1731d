import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { promote } from "../../src/db/models";
import { artifactKeys } from "../../src/lib/artifact-keys";
import { sha256Hex } from "../../src/lib/hash";
import { CardSeries } from "../../src/model/card-series";
import { publishModel } from "../../src/pipeline/publish-model";
import { expectProblem, postJson, readJson } from "../helpers/api";
import { cardRows, championVersion, resetModels, SPEC } from "../helpers/model";

const ROWS_V1 = [
	...cardRows("art-a", [10, 20, 30, 40], { name: "Art A", set: "Set One" }),
	...cardRows("art-b", [5, 5, 5], { start: "2026-02-01", name: "Art B", set: "Set Two" }),
	...cardRows("art-only-v1", [1, 2], { start: "2026-01-10" }),
];
// The next day's prices: art-a moves, art-only-v1 is gone, art-c is new.
const ROWS_V2 = [
	...cardRows("art-a", [10, 20, 30, 40, 100], { name: "Art A", set: "Set One" }),
	...cardRows("art-b", [5, 5, 5], { start: "2026-02-01", name: "Art B", set: "Set Two" }),
	...cardRows("art-c", [7], { start: "2026-02-04" }),
];

const publish = (rows: typeof ROWS_V1, now = new Date("2026-02-05T00:00:00Z")) =>
	publishModel(env, rows, { spec: SPEC, source: "test", now });

type ManifestCard = { card_id: string; key: string; sha256: string };
type Manifest = {
	format: number;
	version: string;
	spec: unknown;
	data_from: string;
	data_as_of: string;
	cards: ManifestCard[];
};

const countRows = async (table: string) =>
	(await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n;

const fairPriceOf = async (card_id: string) => readJson(await postJson("/v1/fair-price", { card_id }), FairPrice);

describe("model artifacts", () => {
	beforeEach(resetModels);

	it("writes R2 objects whose sha256 metadata matches their bytes, the manifest and D1", async () => {
		const published = await publish(ROWS_V1);
		const { version } = published;

		const listed = await env.ARCHIVE.list({ prefix: artifactKeys.prefix(version), include: ["customMetadata"] });
		expect(listed.objects.map((o) => o.key).sort()).toEqual(
			[
				artifactKeys.card(version, "art-a"),
				artifactKeys.card(version, "art-b"),
				artifactKeys.card(version, "art-only-v1"),
				artifactKeys.manifest(version),
			].sort(),
		);

		const manifestObject = await env.ARCHIVE.get(artifactKeys.manifest(version));
		const manifestText = (await manifestObject?.text()) ?? "";
		const manifestSha = await sha256Hex(manifestText);
		expect(manifestObject?.customMetadata?.sha256).toBe(manifestSha);
		expect(published.manifest_sha256).toBe(manifestSha);
		const manifest = JSON.parse(manifestText) as Manifest;
		expect(manifest).toMatchObject({
			format: 1,
			version,
			spec: SPEC,
			data_from: "2026-01-01",
			data_as_of: "2026-02-03",
		});
		expect(manifest.cards.map((c) => c.card_id)).toEqual(["art-a", "art-b", "art-only-v1"]);

		const versionRow = await env.DB.prepare("SELECT * FROM model_versions WHERE version = ?").bind(version).first();
		expect(versionRow).toMatchObject({
			status: "ready",
			estimator: "trailing_mean",
			artifact_prefix: `models/${version}/`,
			manifest_sha256: manifestSha,
			card_count: 3,
			row_count: 9,
			data_from: "2026-01-01",
			data_as_of: "2026-02-03",
			source: "test",
		});
		expect(JSON.parse(String(versionRow?.params))).toEqual(SPEC);

		const { results: cards } = await env.DB.prepare(
			"SELECT card_id, object_key, sha256, latest_market, latest_fair, latest_signal FROM model_cards WHERE version = ? ORDER BY card_id",
		)
			.bind(version)
			.all<{ card_id: string; object_key: string; sha256: string; latest_market: number; latest_fair: number }>();
		expect(cards).toHaveLength(3);
		for (const card of cards) {
			const object = await env.ARCHIVE.get(card.object_key);
			const text = (await object?.text()) ?? "";
			const sha = await sha256Hex(text);
			expect(object?.customMetadata?.sha256, card.card_id).toBe(sha);
			expect(card.sha256, card.card_id).toBe(sha);
			expect(manifest.cards.find((c) => c.card_id === card.card_id)).toEqual({
				card_id: card.card_id,
				key: card.object_key,
				sha256: sha,
			});
			expect(CardSeries.parse(JSON.parse(text)).card_id).toBe(card.card_id);
		}
		expect(cards[0]).toMatchObject({ card_id: "art-a", latest_market: 40, latest_fair: 30, latest_signal: "SELL" });

		const artA = CardSeries.parse(await (await env.ARCHIVE.get(artifactKeys.card(version, "art-a")))?.json());
		expect(artA).toEqual({
			format: 1,
			card_id: "art-a",
			name: "Art A",
			set_name: "Set One",
			dates: ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
			prices: [10, 20, 30, 40],
		});

		// And the API serves exactly this version.
		expect(await championVersion()).toBe(version);
		expect(await fairPriceOf("art-a")).toMatchObject({
			model_version: version,
			date: "2026-01-04",
			market_price: 40,
			fair_price: 30,
			signal: "SELL",
		});
	});

	it("re-publishing the same data makes no new version and rewrites nothing", async () => {
		const first = await publish(ROWS_V1, new Date("2026-02-05T00:00:00Z"));
		const objectsBefore = await env.ARCHIVE.list({ prefix: "models/" });
		const again = await publish([...ROWS_V1].reverse(), new Date("2026-03-01T00:00:00Z"));
		expect(again).toMatchObject({ version: first.version, created: false, manifest_sha256: first.manifest_sha256 });
		expect(await countRows("model_versions")).toBe(1);
		expect(await countRows("model_cards")).toBe(3);
		const createdAt = await env.DB.prepare("SELECT created_at FROM model_versions WHERE version = ?")
			.bind(first.version)
			.first<{ created_at: string }>();
		expect(createdAt?.created_at).toBe("2026-02-05T00:00:00.000Z");
		const objectsAfter = await env.ARCHIVE.list({ prefix: "models/" });
		expect(objectsAfter.objects.map((o) => [o.key, o.etag, o.uploaded.getTime()])).toEqual(
			objectsBefore.objects.map((o) => [o.key, o.etag, o.uploaded.getTime()]),
		);
		expect(await championVersion()).toBe(first.version);
	});

	it("promoting a second version switches serving, and promoting the first back rolls it back", async () => {
		const v1 = await publish(ROWS_V1);
		expect((await fairPriceOf("art-a")).model_version).toBe(v1.version);

		const v2 = await publish(ROWS_V2);
		expect(v2.version).not.toBe(v1.version);
		expect(v2.created).toBe(true);
		expect(await championVersion()).toBe(v2.version);
		const previous = await env.DB.prepare("SELECT previous FROM model_aliases WHERE alias = 'champion'").first<{
			previous: string;
		}>();
		expect(previous?.previous).toBe(v1.version);

		// art-a's new last day: fair = (30 + 40 + 100) / 3.
		expect(await fairPriceOf("art-a")).toMatchObject({
			model_version: v2.version,
			date: "2026-01-05",
			market_price: 100,
			fair_price: 56.6667,
		});
		expect((await fairPriceOf("art-c")).model_version).toBe(v2.version);
		await expectProblem(await postJson("/v1/fair-price", { card_id: "art-only-v1" }), 404, "card_not_found");

		// The old version's artifacts are immutable and still there, so a rollback is one promotion.
		expect(await env.ARCHIVE.head(artifactKeys.manifest(v1.version))).not.toBeNull();
		expect(await promote(env.DB, v1.version, new Date().toISOString())).toBe(true);
		expect(await fairPriceOf("art-a")).toMatchObject({ model_version: v1.version, date: "2026-01-04" });
		expect((await fairPriceOf("art-only-v1")).model_version).toBe(v1.version);
		await expectProblem(await postJson("/v1/fair-price", { card_id: "art-c" }), 404, "card_not_found");
	});
});
