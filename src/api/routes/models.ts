import type { z } from "@hono/zod-openapi";
import { createRoute } from "@hono/zod-openapi";
import { listAliases, listModelVersions } from "../../db/models";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { problemResponses } from "../schemas/common";
import { type ModelFigures, ModelList, ModelsQuery } from "../schemas/models";

/** Model versions and which one serves. */
export const modelRoutes = createApp();

modelRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/models",
		operationId: "listModels",
		tags: ["Models"],
		summary: "Model versions newest first, with their aliases and validation figures",
		request: { query: ModelsQuery },
		responses: {
			200: { description: "A page of model versions", content: { "application/json": { schema: ModelList } } },
			...problemResponses(422),
		},
	}),
	async (c) => {
		const { limit, cursor } = c.req.valid("query");
		const before = cursor ? decodeCursor(cursor, 2) : undefined;
		const [versions, aliases] = await Promise.all([
			listModelVersions(c.env.DB, {
				limit: limit + 1,
				...(before ? { before: { created_at: before[0] as string, version: before[1] as string } } : {}),
			}),
			listAliases(c.env.DB),
		]);
		const { page, next_cursor } = pageOf(versions, limit, (v) => [v.created_at, v.version]);
		c.header("Cache-Control", "no-store");
		return c.json(
			{
				champion: aliases.find((a) => a.alias === "champion")?.version ?? null,
				data: page.map((v) => ({
					version: v.version,
					status: v.status,
					kind: v.kind,
					spec: v.spec.kind === "rule" ? v.spec.rule : v.spec.summary,
					source: v.source,
					data_from: v.data_from,
					data_as_of: v.data_as_of,
					trained_through: v.trained_through,
					row_count: v.row_count,
					created_at: v.created_at,
					run_id: v.run_id,
					aliases: aliases.filter((a) => a.version === v.version).map((a) => a.alias),
					validation: (v.figures as z.infer<typeof ModelFigures> | null) ?? null,
				})),
				next_cursor,
			},
			200,
		);
	},
);
