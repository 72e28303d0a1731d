import { z } from "@hono/zod-openapi";

const Sha256 = z
	.string()
	.regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in lower-case hex (64 characters)")
	.openapi({ example: "3f5ea0c7d1b24e8f9a6c5b4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f" });

/** The `{sha256}` path parameter: a chunk's or an import's SHA-256. */
export const Sha256Param = z.object({ sha256: Sha256.openapi({ param: { name: "sha256", in: "path" } }) });

/** A commit of uploaded chunks, in card order. */
export const ImportCommit = z
	.object({ chunks: z.array(Sha256).min(1, "must name at least one chunk").max(100_000) })
	.strict()
	.openapi("ImportCommit");

/** An import and the `source` to run on it. */
export const ImportInfo = z
	.object({
		id: Sha256.openapi({ description: "SHA-256 of the chunk hashes, in order: the import's content address." }),
		source: z
			.string()
			.openapi({ description: "The `source` to start a run on this import with.", example: "file:3f…a1" }),
		rows: z.number().int(),
		cards: z.number().int(),
		bytes: z.number().int(),
		chunks: z.number().int(),
		date_from: z.string(),
		date_to: z.string(),
		created: z.boolean().openapi({ description: "False when the same prices were already imported." }),
	})
	.openapi("ImportInfo");

/** A stored chunk. */
export const ChunkResult = z
	.object({
		sha256: Sha256,
		bytes: z.number().int(),
		rows: z.number().int(),
		cards: z.number().int(),
		first_card: z.string(),
		last_card: z.string(),
		first_date: z.string(),
		last_date: z.string(),
		created: z.boolean(),
	})
	.openapi("ImportChunk");

/** The stored sample. */
export const SampleInfo = z
	.object({ key: z.string(), sha256: z.string(), bytes: z.number().int(), uploaded: z.string() })
	.openapi("SampleInfo");
