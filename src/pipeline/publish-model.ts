import { runBatched } from "../db/batch";
import { type CatalogueCard, insertCatalogueCards } from "../db/catalogue";
import { getModelVersion, insertBuildingVersion, markReady, promote } from "../db/models";
import { artifactKeys } from "../lib/artifact-keys";
import { forEachLimit } from "../lib/concurrency";
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

/** One card's artifact: the series JSON (`models/<version>/cards/<card_id>.json`) and its SHA-256. */
export async function cardArtifact(series: CardSeries): Promise<{ body: string; sha256: string }> {
	const body = JSON.stringify(series);
	return { body, sha256: await sha256Hex(body) };
}

/** A card as the version name and manifest see it: its id, artifact hash and date range. */
export type CardDigest = { card_id: string; sha256: string; points: number; first_date: string; last_date: string };

/** The first and last observed date across cards. */
export function dataRange(cards: readonly CardDigest[]): { from: string; to: string } {
	let from = "9999-12-31";
	let to = "";
	for (const c of cards) {
		if (c.first_date < from) from = c.first_date;
		if (c.last_date > to) to = c.last_date;
	}
	return { from, to };
}

/**
 * The version name: `v<latest data date>-<10 hex of the spec and every card's artifact hash>`.
 * The same spec and data always give the same version, however the rows were ordered or sharded.
 */
export async function modelVersionName(spec: ModelSpec, cards: readonly CardDigest[]): Promise<string> {
	const sorted = [...cards].sort((a, b) => (a.card_id < b.card_id ? -1 : 1));
	const dataAsOf = dataRange(sorted).to;
	const fingerprint = await sha256Hex(JSON.stringify({ spec, cards: sorted.map((c) => [c.card_id, c.sha256]) }));
	return `v${dataAsOf.replaceAll("-", "")}-${fingerprint.slice(0, 10)}`;
}

/** The manifest (`models/<version>/model.json`): spec, source, data range and every card object's key and SHA-256. */
export function manifestBody(version: string, spec: ModelSpec, source: string, cards: readonly CardDigest[]): string {
	const sorted = [...cards].sort((a, b) => (a.card_id < b.card_id ? -1 : 1));
	return JSON.stringify({
		format: 1,
		version,
		spec,
		source,
		data_from: dataRange(sorted).from,
		data_as_of: dataRange(sorted).to,
		cards: sorted.map((c) => ({ card_id: c.card_id, key: artifactKeys.card(version, c.card_id), sha256: c.sha256 })),
	});
}

/** The digest of a series whose artifact hash is known. */
export const digestOf = (s: CardSeries, sha256: string): CardDigest => ({
	card_id: s.card_id,
	sha256,
	points: s.dates.length,
	first_date: s.dates[0] as string,
	last_date: s.dates.at(-1) as string,
});

/**
 * R2 writes in flight at once while publishing cards. Workers open at most six connections per
 * invocation (R2 calls count) and queue the rest, so more in flight gains nothing on Cloudflare
 * and only holds more pending requests and their bodies.
 */
export const PUT_CONCURRENCY = 6;

/**
 * Writes the card objects of `series` under `version` and their catalogue rows (the version row
 * must exist, as `building`). Idempotent: objects are rewritten with the same bytes and rows are
 * inserted once.
 */
export async function writeCards(
	stores: ArtifactStores,
	version: string,
	spec: ModelSpec,
	series: readonly CardSeries[],
): Promise<CardDigest[]> {
	const artifacts = await Promise.all(series.map(cardArtifact));
	await forEachLimit(series, PUT_CONCURRENCY, (s, i) =>
		stores.ARCHIVE.put(artifactKeys.card(version, s.card_id), artifacts[i]?.body as string, {
			httpMetadata: { contentType: "application/json" },
			customMetadata: { sha256: artifacts[i]?.sha256 as string },
		}),
	);
	// Multi-row inserts in batches (each batch one transaction), while the version is still 'building'.
	const catalogue = series.map((s, i) => catalogueRow(version, s, artifacts[i]?.sha256 as string, spec));
	await runBatched(stores.DB, insertCatalogueCards(stores.DB, version, catalogue));
	return series.map((s, i) => digestOf(s, artifacts[i]?.sha256 as string));
}

/** Writes the manifest object; returns its SHA-256. */
export async function writeManifest(stores: ArtifactStores, version: string, manifest: string): Promise<string> {
	const sha256 = await sha256Hex(manifest);
	await stores.ARCHIVE.put(artifactKeys.manifest(version), manifest, {
		httpMetadata: { contentType: "application/json" },
		customMetadata: { sha256 },
	});
	return sha256;
}

/**
 * Builds an immutable model artifact from price rows in one go: one JSON series per card under
 * `models/<version>/cards/`, a manifest `models/<version>/model.json` with every object's
 * SHA-256, and the version plus its catalogue in D1. The pipeline builds the same artifact shard
 * by shard from the same pieces. Re-running on the same input writes nothing new. Serving can
 * only reach a version through the `champion` alias, and only a fully written ('ready') version
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
	const digests = await Promise.all(series.map(async (s) => digestOf(s, (await cardArtifact(s)).sha256)));
	const version = await modelVersionName(options.spec, digests);
	const manifest = manifestBody(version, options.spec, options.source, digests);
	const manifestSha = await sha256Hex(manifest);
	const { from: dataFrom, to: dataAsOf } = dataRange(digests);

	const existing = await getModelVersion(stores.DB, version);
	const created = existing?.status !== "ready";
	if (created) {
		// The version row goes in as 'building' (unreachable by serving), then the card objects and
		// catalogue rows, then the manifest; only then is it marked ready and can it be promoted.
		await insertBuildingVersion(stores.DB, {
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
		}).run();
		await writeCards(stores, version, options.spec, series);
		await writeManifest(stores, version, manifest);
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

/** The catalogue row of a card under a spec: its latest evaluated day. */
export function catalogueRow(version: string, s: CardSeries, sha256: string, spec: ModelSpec): CatalogueCard {
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
