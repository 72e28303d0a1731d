import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { CsvImportError } from "../../lib/csv";
import { sha256Hex } from "../../lib/hash";
import {
	type ChunkInfo,
	chunkFromMetadata,
	chunkMetadata,
	chunksOf,
	type ImportManifest,
	manifestOf,
	validateChunk,
} from "../../prices/imports";
import { priceKeys } from "../../prices/keys";
import { parsePriceCsv } from "../../prices/price-rows";
import { createApp } from "../app";
import { validationError } from "../problem";
import { problemResponses } from "../schemas/common";
import { ChunkResult, ImportCommit, ImportInfo, SampleInfo, Sha256Param } from "../schemas/imports";

/**
 * Price files for the pipeline: imports of any size (`file:` sources) and the shipped sample.
 * A small file goes in one request; a large one as chunks of at most one request body each,
 * then a commit listing them. Needs the `admin` scope.
 */
export const adminImportRoutes = createApp();

const tags = ["Admin: pipeline"];
const MAX_LISTED = 100;

const csvContent = {
	"text/csv": {
		schema: z.string().openapi({
			description: "card_id,card_name,set_name,date,market_price[,source] with a header row",
			example:
				"card_id,card_name,set_name,date,market_price\nsv03-223-charizard-ex,Charizard ex,SV03,2026-08-22,110.46\n",
		}),
	},
};

/** A CsvImportError as a 422 listing every bad line and field (the first 100), nothing stored. */
function csvProblem(error: CsvImportError, what = "Nothing was imported"): ApiError {
	const errors = error.issues.slice(0, MAX_LISTED).map((i) => ({
		location: i.line > 0 ? `body.line.${i.line}.${i.field}` : `body.${i.field}`,
		message: i.line > 0 ? `line ${i.line}, field ${i.field}: ${i.message}` : i.message,
	}));
	return new ApiError("validation_failed", `${error.message}. ${what}.`, {
		errors,
		members: { issue_count: error.total },
	});
}

async function csvText(c: Context<AppEnv>): Promise<string> {
	if (!/^text\/csv\b/i.test(c.req.header("content-type") ?? ""))
		throw new ApiError("unsupported_media_type", "Send the price file as `Content-Type: text/csv`.");
	return c.req.text();
}

/** Stores a validated chunk under its hash (once); returns its info. */
async function storeChunk(bucket: R2Bucket, text: string, info: ChunkInfo): Promise<boolean> {
	const key = priceKeys.chunk(info.sha256);
	if (await bucket.head(key)) return false;
	await bucket.put(key, text, { httpMetadata: { contentType: "text/csv" }, customMetadata: chunkMetadata(info) });
	return true;
}

/** Writes a manifest unless the import exists; answers it. */
async function storeManifest(bucket: R2Bucket, manifest: ImportManifest): Promise<boolean> {
	const key = priceKeys.manifest(manifest.id);
	if (await bucket.head(key)) return false;
	await bucket.put(key, JSON.stringify(manifest), { httpMetadata: { contentType: "application/json" } });
	return true;
}

const importBody = (m: ImportManifest, created: boolean) => ({
	id: m.id,
	source: `file:${m.id}`,
	rows: m.rows,
	cards: m.cards,
	bytes: m.bytes,
	chunks: m.chunks.length,
	date_from: m.date_from,
	date_to: m.date_to,
	created,
});

adminImportRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/imports",
		operationId: "createImport",
		tags,
		summary:
			"Import prices for a `file:` run: a whole small CSV (text/csv), or a commit of uploaded chunks (application/json)",
		description:
			"A CSV body is validated in full and stored as canonical chunks. A JSON body `{chunks: [sha256, ...]}` names chunks already uploaded with PUT /v1/admin/imports/chunks/{sha256}, in card order. Either way the import is content-addressed: the same prices give the same id, and a second import of them stores nothing.",
		request: {
			// Validated by the handler, which tells the two media types apart (the route validator would
			// hold a CSV body to the JSON schema).
			body: { required: false, content: { ...csvContent, "application/json": { schema: ImportCommit } } },
		},
		responses: {
			200: {
				description: "The same prices were already imported",
				content: { "application/json": { schema: ImportInfo } },
			},
			201: { description: "Imported", content: { "application/json": { schema: ImportInfo } } },
			...problemResponses(401, 403, 413, 415, 422, 429),
		},
	}),
	async (c) => {
		const type = c.req.header("content-type") ?? "";
		let manifest: ImportManifest;
		if (/^application\/json\b/i.test(type)) {
			let body: unknown;
			try {
				body = await c.req.json();
			} catch {
				throw new ApiError("malformed_json", "The request body is not valid JSON.");
			}
			const parsed = ImportCommit.safeParse(body);
			if (!parsed.success) throw validationError(parsed.error, "body");
			const infos: ChunkInfo[] = [];
			const missing: string[] = [];
			for (const sha of parsed.data.chunks) {
				const info = chunkFromMetadata((await c.env.ARCHIVE.head(priceKeys.chunk(sha)))?.customMetadata);
				if (info) infos.push(info);
				else missing.push(sha);
			}
			if (missing.length > 0)
				throw new ApiError("validation_failed", `${missing.length} chunk(s) are not uploaded. Nothing was imported.`, {
					errors: missing.slice(0, MAX_LISTED).map((sha) => ({
						location: `body.chunks.${parsed.data.chunks.indexOf(sha)}`,
						message: `no chunk ${sha}: PUT it to /v1/admin/imports/chunks/${sha} first`,
					})),
				});
			try {
				manifest = await manifestOf(infos);
			} catch (error) {
				if (error instanceof CsvImportError) throw csvProblem(error);
				throw error;
			}
		} else {
			const text = await csvText(c);
			let chunks: string[];
			try {
				chunks = chunksOf(parsePriceCsv(text, "upload"));
			} catch (error) {
				if (error instanceof CsvImportError) throw csvProblem(error);
				throw error;
			}
			const infos: ChunkInfo[] = [];
			for (const chunk of chunks) {
				const { info } = await validateChunk(chunk);
				await storeChunk(c.env.ARCHIVE, chunk, info);
				infos.push(info);
			}
			manifest = await manifestOf(infos);
		}
		const created = await storeManifest(c.env.ARCHIVE, manifest);
		c.header("Location", `/v1/admin/imports/${manifest.id}`);
		return c.json(importBody(manifest, created), created ? 201 : 200);
	},
);

adminImportRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/imports/{sha256}",
		operationId: "getImport",
		tags,
		summary: "An import: its size, date range and the `source` to run on it",
		request: { params: Sha256Param },
		responses: {
			200: { description: "The import", content: { "application/json": { schema: ImportInfo } } },
			...problemResponses(401, 403, 404, 422, 429),
		},
	}),
	async (c) => {
		const { sha256 } = c.req.valid("param");
		const object = await c.env.ARCHIVE.get(priceKeys.manifest(sha256));
		if (!object)
			throw new ApiError("not_found", `No import ${sha256}. POST a CSV, or commit chunks, to /v1/admin/imports.`);
		return c.json(importBody((await object.json()) as ImportManifest, false), 200);
	},
);

adminImportRoutes.openapi(
	createRoute({
		method: "put",
		path: "/v1/admin/imports/chunks/{sha256}",
		operationId: "putImportChunk",
		tags,
		summary: "Upload one chunk of a large import: a canonical CSV of whole cards sorted by card and date",
		description:
			"The body's SHA-256 must be the path's. Validated in full (every bad line listed, nothing stored when any is bad) and stored once: a chunk already stored answers 200 without rewriting it. `npm run pipeline -- --source file:PATH` cuts and uploads chunks for you.",
		request: { params: Sha256Param, body: { required: true, content: csvContent } },
		responses: {
			200: { description: "Already stored", content: { "application/json": { schema: ChunkResult } } },
			201: { description: "Stored", content: { "application/json": { schema: ChunkResult } } },
			...problemResponses(401, 403, 413, 415, 422, 429),
		},
	}),
	async (c) => {
		const { sha256 } = c.req.valid("param");
		const text = await csvText(c);
		const actual = await sha256Hex(text);
		if (actual !== sha256)
			throw new ApiError("validation_failed", `param.sha256: the body's SHA-256 is ${actual}, not ${sha256}`, {
				errors: [{ location: "param.sha256", message: `the body's SHA-256 is ${actual}` }],
			});
		let info: ChunkInfo;
		try {
			info = (await validateChunk(text)).info;
		} catch (error) {
			if (error instanceof CsvImportError) throw csvProblem(error, "The chunk was not stored");
			throw error;
		}
		const created = await storeChunk(c.env.ARCHIVE, text, info);
		return c.json({ ...info, created }, created ? 201 : 200);
	},
);

adminImportRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/imports/chunks/{sha256}",
		operationId: "getImportChunk",
		tags,
		summary: "Whether a chunk is stored (so an interrupted upload resumes without resending it)",
		request: { params: Sha256Param },
		responses: {
			200: { description: "Stored", content: { "application/json": { schema: ChunkResult } } },
			...problemResponses(401, 403, 404, 422, 429),
		},
	}),
	async (c) => {
		const { sha256 } = c.req.valid("param");
		const info = chunkFromMetadata((await c.env.ARCHIVE.head(priceKeys.chunk(sha256)))?.customMetadata);
		if (!info) throw new ApiError("not_found", `No chunk ${sha256} is stored.`);
		return c.json({ ...info, created: false }, 200);
	},
);

adminImportRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/sample",
		operationId: "getSample",
		tags,
		summary: "The stored sample's key, SHA-256, size and upload time (JSON; PUT sends the CSV)",
		responses: {
			200: { description: "The stored sample", content: { "application/json": { schema: SampleInfo } } },
			...problemResponses(401, 403, 404, 429),
		},
	}),
	async (c) => {
		const head = await c.env.ARCHIVE.head(priceKeys.sample);
		if (!head)
			throw new ApiError(
				"not_found",
				"No sample is uploaded yet: PUT data/sample/card_prices.csv to /v1/admin/sample.",
			);
		return c.json(
			{
				key: head.key,
				sha256: head.customMetadata?.sha256 ?? "",
				bytes: head.size,
				uploaded: head.uploaded.toISOString(),
			},
			200,
		);
	},
);

adminImportRoutes.openapi(
	createRoute({
		method: "put",
		path: "/v1/admin/sample",
		operationId: "putSample",
		tags,
		summary: "Store the sample CSV the `sample` source replays (validated like an upload)",
		request: { body: { required: true, content: csvContent } },
		responses: {
			200: { description: "Stored", content: { "application/json": { schema: SampleInfo } } },
			...problemResponses(401, 403, 413, 415, 422, 429),
		},
	}),
	async (c) => {
		const text = await csvText(c);
		try {
			parsePriceCsv(text, "upload");
		} catch (error) {
			if (error instanceof CsvImportError) throw csvProblem(error);
			throw error;
		}
		const sha256 = await sha256Hex(text);
		const object = await c.env.ARCHIVE.put(priceKeys.sample, text, {
			httpMetadata: { contentType: "text/csv" },
			customMetadata: { sha256 },
		});
		return c.json({ key: priceKeys.sample, sha256, bytes: object.size, uploaded: object.uploaded.toISOString() }, 200);
	},
);
