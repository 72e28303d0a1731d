/**
 * Steps "prepare model", "publish #n" and "finalize model": the chosen candidate as an immutable
 * model version, in exactly the shape serving reads (see publish-model.ts), written shard by
 * shard. The version stays 'building' (unreachable) until the manifest is written.
 */
import { runBatched } from "../../db/batch";
import { getModelVersion, insertBuildingVersion, markReady, setVersionRun } from "../../db/models";
import { putArtifacts } from "../../db/run-records";
import { setRunModel } from "../../db/runs";
import { artifactKeys } from "../../lib/artifact-keys";
import { sha256Hex } from "../../lib/hash";
import { readPrices } from "../../lib/parquet";
import { toSeries } from "../../model/card-series";
import type { ModelSpec } from "../../model/fair-value";
import {
	type CardDigest,
	dataRange,
	manifestBody,
	modelVersionName,
	writeCards,
	writeManifest,
} from "../publish-model";
import { getBytes, getJson, type ObjectRef } from "../storage";
import type { ShardStats } from "./features";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

async function digests(bucket: R2Bucket, stats: readonly ObjectRef[]): Promise<{ cards: CardDigest[]; rows: number }> {
	const cards: CardDigest[] = [];
	let rows = 0;
	for (const ref of stats) {
		const s = await getJson<ShardStats>(bucket, ref.key);
		cards.push(...s.cards);
		rows += s.rows;
	}
	return { cards, rows };
}

/** The version a run publishes, and whether it already existed. */
export type PreparedModel = { version: string; ready: boolean; cards: number };

/** Names the version and registers it as 'building' (nothing to do when it is already ready). */
export async function prepareModel(
	env: Env,
	runId: string,
	input: { spec: ModelSpec; stats: ObjectRef[]; source: string },
): Promise<PreparedModel> {
	const { cards, rows } = await digests(env.ARCHIVE, input.stats);
	const version = await modelVersionName(input.spec, cards);
	const existing = await getModelVersion(env.DB, version);
	if (existing?.status !== "ready") {
		const manifest = manifestBody(version, input.spec, input.source, cards);
		await insertBuildingVersion(env.DB, {
			version,
			spec: input.spec,
			artifact_prefix: artifactKeys.prefix(version),
			manifest_sha256: await sha256Hex(manifest),
			card_count: cards.length,
			row_count: rows,
			data_from: dataRange(cards).from,
			data_as_of: dataRange(cards).to,
			source: input.source,
			created_at: new Date().toISOString(),
		}).run();
	}
	await env.DB.batch([setVersionRun(env.DB, version, runId), setRunModel(env.DB, runId, null, version)]);
	return { version, ready: existing?.status === "ready", cards: cards.length };
}

/** Writes one shard's card objects and catalogue rows under a building version. */
export async function publishShard(
	env: Env,
	input: { version: string; spec: ModelSpec; raw: ObjectRef },
): Promise<{ cards: number }> {
	const series = toSeries(await readPrices(await getBytes(env.ARCHIVE, input.raw.key)));
	await writeCards(env, input.version, input.spec, series);
	return { cards: series.length };
}

/** Writes the manifest and marks the version ready: from here on it can be promoted. */
export async function finalizeModel(
	env: Env,
	runId: string,
	input: { version: string; spec: ModelSpec; stats: ObjectRef[]; source: string },
): Promise<{ version: string; manifest: ObjectRef }> {
	const existing = await getModelVersion(env.DB, input.version);
	if (!existing) throw new Error(`version ${input.version} was never prepared`);
	const key = artifactKeys.manifest(input.version);
	if (existing.status !== "ready") {
		const { cards } = await digests(env.ARCHIVE, input.stats);
		await writeManifest(env, input.version, manifestBody(input.version, input.spec, input.source, cards));
		await markReady(env.DB, input.version).run();
	}
	const head = await env.ARCHIVE.head(key);
	const manifest = { key, sha256: head?.customMetadata?.sha256 ?? existing.manifest_sha256, bytes: head?.size ?? 0 };
	await runBatched(
		env.DB,
		putArtifacts(env.DB, runId, [
			{
				r2_key: key,
				kind: "model",
				bytes: manifest.bytes,
				sha256: manifest.sha256,
				created_at: new Date().toISOString(),
			},
		]),
	);
	return { version: input.version, manifest };
}
