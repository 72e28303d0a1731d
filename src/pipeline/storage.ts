/** R2 helpers for pipeline objects: every object carries its SHA-256 as custom metadata. */
import { runBatched } from "../db/batch";
import { type ArtifactRow, putArtifacts } from "../db/run-records";
import { sha256Hex } from "../lib/hash";

/** An object written (or found) by a step: small enough to pass between steps. */
export type ObjectRef = { key: string; sha256: string; bytes: number };

/** Writes `body` under `key` with its SHA-256, and returns the reference. */
export async function putObject(
	bucket: R2Bucket,
	key: string,
	body: Uint8Array | string,
	contentType: string,
): Promise<ObjectRef> {
	const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
	const sha256 = await sha256Hex(bytes);
	await bucket.put(key, bytes, { httpMetadata: { contentType }, customMetadata: { sha256 } });
	return { key, sha256, bytes: bytes.byteLength };
}

/** The bytes of an object, or an error naming the key. */
export async function getBytes(bucket: R2Bucket, key: string): Promise<ArrayBuffer> {
	const object = await bucket.get(key);
	if (!object) throw new Error(`missing R2 object ${key}`);
	return object.arrayBuffer();
}

/** An object's text (UTF-8), or an error naming the key. */
export async function getText(bucket: R2Bucket, key: string): Promise<string> {
	return new TextDecoder().decode(await getBytes(bucket, key));
}

/** An object parsed as JSON. */
export async function getJson<T>(bucket: R2Bucket, key: string): Promise<T> {
	return JSON.parse(await getText(bucket, key)) as T;
}

/** Whether every referenced object is still there with the recorded SHA-256 (so cached outputs can be reused). */
export async function objectsIntact(bucket: R2Bucket, refs: readonly ObjectRef[]): Promise<boolean> {
	const heads = await Promise.all(refs.map((r) => bucket.head(r.key)));
	return heads.every((h, i) => h !== null && h.customMetadata?.sha256 === refs[i]?.sha256);
}

/** The artifact row of a reference. */
export const artifactRow = (ref: ObjectRef, kind: string, at: string): ArtifactRow => ({
	r2_key: ref.key,
	kind,
	bytes: ref.bytes,
	sha256: ref.sha256,
	created_at: at,
});

/** Records objects a step wrote or reused as this run's artifacts. */
export async function recordArtifacts(
	db: D1Database,
	runId: string,
	objects: readonly (readonly [ObjectRef, string])[],
): Promise<void> {
	const at = new Date().toISOString();
	await runBatched(
		db,
		putArtifacts(
			db,
			runId,
			objects.map(([ref, kind]) => artifactRow(ref, kind, at)),
		),
	);
}
