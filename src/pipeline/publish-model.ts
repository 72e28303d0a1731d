import { type CatalogueCard, insertCatalogueCard } from "../db/catalogue";
import { getModelVersion, insertBuildingVersion, markReady, promote } from "../db/models";
import { artifactKeys } from "../lib/artifact-keys";
import { sha256Hex } from "../lib/hash";
import { type CardSeries, type PriceRow, toSeries } from "../model/card-series";
import { evaluateAt, type ModelSpec } from "../model/fair-value";

/** The bindings a model build writes to. */
export type ArtifactStores = { DB: D1Database; ARCHIVE: R2Bucket };

/** What a build reports: small values only, never the data. */
export type PublishResult = {
	version: string;
	created: boolean;
	promoted: boolean;
	cards: number;
	rows: number;
	data_as_of: string;
	manifest_sha256: string;
};

// D1 caps a batch's size; catalogue rows go in chunks while the version is still 'building'.
const D1_BATCH = 50;

/**
 * Builds an immutable model artifact from price rows: one JSON series per card under
 * `models/<version>/cards/`, a manifest `models/<version>/model.json` with every object's
 * SHA-256, and the version plus its catalogue in D1. The version name is derived from the
 * spec and the data, so re-running on the same input writes nothing new. Serving can only
 * reach a version through the `champion` alias, and only a fully written ('ready') version
 * can be promoted, so a build failing half-way leaves nothing that serving reads.
 */
export async function publishModel(
	stores: ArtifactStores,
	rows: readonly PriceRow[],
	options: { spec: ModelSpec; source: string; now?: Date; promote?: boolean },
): Promise<PublishResult> {
	const series = toSeries(rows);
	if (series.length === 0) throw new Error("no price rows to build a model from");
	const now = (options.now ?? new Date()).toISOString();

	const bodies = series.map((s) => JSON.stringify(s));
	const hashes = await Promise.all(bodies.map((b) => sha256Hex(b)));
	const dataFrom = series.reduce(
		(min, s) => ((s.dates[0] as string) < min ? (s.dates[0] as string) : min),
		"9999-12-31",
	);
	const dataAsOf = series.reduce((max, s) => ((s.dates.at(-1) as string) > max ? (s.dates.at(-1) as string) : max), "");
	const fingerprint = await sha256Hex(
		JSON.stringify({ spec: options.spec, cards: series.map((s, i) => [s.card_id, hashes[i]]) }),
	);
	const version = `v${dataAsOf.replaceAll("-", "")}-${fingerprint.slice(0, 10)}`;

	const catalogue: CatalogueCard[] = series.map((s, i) => catalogueRow(version, s, hashes[i] as string, options.spec));
	const manifest = JSON.stringify({
		format: 1,
		version,
		spec: options.spec,
		source: options.source,
		data_from: dataFrom,
		data_as_of: dataAsOf,
		cards: series.map((s, i) => ({
			card_id: s.card_id,
			key: artifactKeys.card(version, s.card_id),
			sha256: hashes[i],
		})),
	});
	const manifestSha = await sha256Hex(manifest);

	const existing = await getModelVersion(stores.DB, version);
	const created = existing?.status !== "ready";
	if (created) {
		// Objects first, rows second: a version row never points at objects that are not there.
		await Promise.all(
			series.map((s, i) =>
				stores.ARCHIVE.put(artifactKeys.card(version, s.card_id), bodies[i] as string, {
					httpMetadata: { contentType: "application/json" },
					customMetadata: { sha256: hashes[i] as string },
				}),
			),
		);
		await stores.ARCHIVE.put(artifactKeys.manifest(version), manifest, {
			httpMetadata: { contentType: "application/json" },
			customMetadata: { sha256: manifestSha },
		});
		await stores.DB.batch([
			insertBuildingVersion(stores.DB, {
				version,
				spec: options.spec,
				artifact_prefix: artifactKeys.prefix(version),
				manifest_sha256: manifestSha,
				card_count: series.length,
				row_count: rows.length,
				data_from: dataFrom,
				data_as_of: dataAsOf,
				source: options.source,
				created_at: now,
			}),
		]);
		for (let i = 0; i < catalogue.length; i += D1_BATCH) {
			await stores.DB.batch(catalogue.slice(i, i + D1_BATCH).map((c) => insertCatalogueCard(stores.DB, version, c)));
		}
		await markReady(stores.DB, version).run();
	}
	const promoted = options.promote === false ? false : await promote(stores.DB, version, now);
	return {
		version,
		created,
		promoted,
		cards: series.length,
		rows: rows.length,
		data_as_of: dataAsOf,
		manifest_sha256: manifestSha,
	};
}

function catalogueRow(version: string, s: CardSeries, sha256: string, spec: ModelSpec): CatalogueCard {
	const last = evaluateAt(s.dates, s.prices, s.dates.length - 1, spec);
	return {
		card_id: s.card_id,
		name: s.name,
		set_name: s.set_name,
		points: s.dates.length,
		first_date: s.dates[0] as string,
		latest_date: last.date,
		latest_market: last.market_price,
		latest_fair: last.fair_price,
		latest_deviation: last.deviation_pct,
		latest_signal: last.signal,
		object_key: artifactKeys.card(version, s.card_id),
		sha256,
	};
}
