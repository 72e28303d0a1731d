import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { pipelineKeys } from "../../lib/artifact-keys";
import { CsvImportError, parsePriceCsv } from "../../lib/csv";
import { sha256Hex } from "../../lib/hash";
import type { PriceRow } from "../../model/card-series";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";
import { SampleInfo, UploadResult } from "../schemas/models";

/** Price files for the pipeline: uploads (`file:` sources) and the shipped sample. Needs the `admin` scope. */
export const adminImportRoutes = createApp();

const tags = ["Admin: pipeline"];
const MAX_LISTED = 100;

const csvBody = {
	required: true,
	content: {
		"text/csv": {
			schema: z.string().openapi({
				description: "card_id,card_name,set_name,date,market_price[,source] with a header row",
				example:
					"card_id,card_name,set_name,date,market_price\nsv03-223-charizard-ex,Charizard ex,SV03,2026-08-22,110.46\n",
			}),
		},
	},
};

/**
 * The request's CSV, validated in full: a 415 for another media type, a 422 listing every bad
 * line and field (up to 100) when any row is malformed. Nothing is stored unless all of it is good.
 */
async function validCsv(c: Context<AppEnv>): Promise<{ text: string; rows: PriceRow[] }> {
	const type = c.req.header("content-type") ?? "";
	if (!/^text\/csv\b/i.test(type))
		throw new ApiError("unsupported_media_type", "Send the price file as `Content-Type: text/csv`.");
	const text = await c.req.text();
	try {
		return { text, rows: parsePriceCsv(text, "upload") };
	} catch (error) {
		if (!(error instanceof CsvImportError)) throw error;
		const errors = error.issues.slice(0, MAX_LISTED).map((i) => ({
			location: `body.line.${i.line}.${i.field}`,
			message: `line ${i.line}, field ${i.field}: ${i.message}`,
		}));
		throw new ApiError("validation_failed", `${error.message}. Nothing was imported.`, {
			errors,
			members: { issue_count: error.issues.length },
		});
	}
}

const summary = (rows: readonly PriceRow[]) => {
	const dates = rows.map((r) => r.date).sort();
	return {
		rows: rows.length,
		cards: new Set(rows.map((r) => r.card_id)).size,
		date_from: dates[0] ?? "",
		date_to: dates.at(-1) ?? "",
	};
};

adminImportRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/imports",
		tags,
		summary: "Upload a price CSV for a `file:` run; stored content-addressed once it validates",
		request: { body: csvBody },
		responses: {
			200: {
				description: "The same file was already stored",
				content: { "application/json": { schema: UploadResult } },
			},
			201: { description: "Stored", content: { "application/json": { schema: UploadResult } } },
			...problemResponses(401, 403, 413, 415, 422, 429),
		},
	}),
	async (c) => {
		const { text, rows } = await validCsv(c);
		const sha256 = await sha256Hex(text);
		const key = pipelineKeys.upload(sha256);
		const exists = (await c.env.ARCHIVE.head(key)) !== null;
		if (!exists)
			await c.env.ARCHIVE.put(key, text, { httpMetadata: { contentType: "text/csv" }, customMetadata: { sha256 } });
		const bytes = new TextEncoder().encode(text).byteLength;
		return c.json(
			{ key, sha256, source: `file:${sha256}`, bytes, ...summary(rows), created: !exists },
			exists ? 200 : 201,
		);
	},
);

adminImportRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/sample",
		tags,
		summary: "The sample the `sample` source replays, if uploaded",
		responses: {
			200: { description: "The stored sample", content: { "application/json": { schema: SampleInfo } } },
			...problemResponses(401, 403, 404, 429),
		},
	}),
	async (c) => {
		const head = await c.env.ARCHIVE.head(pipelineKeys.sample);
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
		tags,
		summary: "Store the sample CSV the `sample` source replays (validated like an upload)",
		request: { body: csvBody },
		responses: {
			200: { description: "Stored", content: { "application/json": { schema: SampleInfo } } },
			...problemResponses(401, 403, 413, 415, 422, 429),
		},
	}),
	async (c) => {
		const { text } = await validCsv(c);
		const sha256 = await sha256Hex(text);
		const object = await c.env.ARCHIVE.put(pipelineKeys.sample, text, {
			httpMetadata: { contentType: "text/csv" },
			customMetadata: { sha256 },
		});
		return c.json(
			{ key: pipelineKeys.sample, sha256, bytes: object.size, uploaded: object.uploaded.toISOString() },
			200,
		);
	},
);
