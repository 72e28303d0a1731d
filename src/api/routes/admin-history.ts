import { createRoute } from "@hono/zod-openapi";
import { getSeed, insertSeed, type Seed, seedOfImport } from "../../db/seeds";
import { ApiError } from "../../errors";
import type { ImportManifest } from "../../prices/imports";
import { priceKeys } from "../../prices/keys";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { problemResponses } from "../schemas/common";
import { HistoryDays, HistoryQuery, SeedIdParam, SeedRequest, SeedResponse } from "../schemas/history";

/** The price history: its days, and imports merged into it. Needs the `admin` scope. */
export const adminHistoryRoutes = createApp();

const tags = ["Admin: history"];

adminHistoryRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/history",
		operationId: "listHistoryDays",
		tags,
		summary: "The price history's days and sources, newest first",
		request: { query: HistoryQuery },
		responses: {
			200: { description: "A page of days", content: { "application/json": { schema: HistoryDays } } },
			...problemResponses(401, 403, 422, 429),
		},
	}),
	async (c) => {
		const { limit, cursor, from, to, source } = c.req.valid("query");
		const [afterDate, afterSource] = cursor === undefined ? [null, null] : decodeCursor(cursor, 2);
		const where = ["1"];
		const binds: unknown[] = [];
		if (from) where.push(`date >= ?${binds.push(from)}`);
		if (to) where.push(`date <= ?${binds.push(to)}`);
		if (source) where.push(`source = ?${binds.push(source)}`);
		if (afterDate !== null)
			where.push(
				`(date < ?${binds.push(afterDate)} OR (date = ?${binds.length} AND source > ?${binds.push(afterSource)}))`,
			);
		const { results } = await c.env.DB.prepare(
			`SELECT date, source, version, rows, parts, written_at, written_by FROM history_days
			 WHERE ${where.join(" AND ")} ORDER BY date DESC, source LIMIT ?${binds.push(limit + 1)}`,
		)
			.bind(...binds)
			.all<{
				date: string;
				source: string;
				version: string;
				rows: number;
				parts: number;
				written_at: string;
				written_by: string;
			}>();
		const { page, next_cursor } = pageOf(results, limit, (r) => [r.date, r.source]);
		c.header("Cache-Control", "no-store");
		return c.json({ data: page, next_cursor }, 200);
	},
);

const seedBody = (seed: Seed) => ({ seed, href: `/v1/admin/history/seeds/${seed.id}` });

adminHistoryRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/history/seeds",
		operationId: "seedHistory",
		tags,
		summary: "Merge an import into the price history (a card's day already there takes the import's price)",
		description:
			"The import's prices are merged day by day and source by source (its `source` column; `upload` where it has none). A seed of the same import that is queued, running or complete is answered instead of starting another, unless `force`. Seeding the same prices again changes nothing.",
		request: { body: { required: true, content: { "application/json": { schema: SeedRequest } } } },
		responses: {
			200: { description: "This import's seed, reused", content: { "application/json": { schema: SeedResponse } } },
			202: {
				description: "A seed was started; poll its href",
				content: { "application/json": { schema: SeedResponse } },
			},
			...problemResponses(400, 401, 403, 415, 422, 429, 503),
		},
	}),
	async (c) => {
		const { import_id, force } = c.req.valid("json");
		const object = await c.env.ARCHIVE.get(priceKeys.manifest(import_id));
		if (!object)
			throw new ApiError("validation_failed", "body.import_id: no import has this id", {
				errors: [
					{
						location: "body.import_id",
						message: "no import has this id: POST the CSV (or its chunks) to /v1/admin/imports first",
					},
				],
			});
		c.header("Cache-Control", "no-store");
		const earlier = force ? null : await seedOfImport(c.env.DB, import_id);
		if (earlier) return c.json({ ...seedBody(earlier), reused: true }, 200);
		const manifest = (await object.json()) as ImportManifest;
		const now = new Date();
		const id = `seed-${now.toISOString().slice(0, 10).replaceAll("-", "")}-${crypto.randomUUID().slice(0, 8)}`;
		await insertSeed(c.env.DB, {
			id,
			import_id,
			rows: manifest.rows,
			cards: manifest.cards,
			date_from: manifest.date_from,
			date_to: manifest.date_to,
			created_at: now.toISOString(),
		}).run();
		try {
			await c.env.HISTORY_SEEDS.create({ id, params: { seed_id: id, import_id } });
		} catch (error) {
			await c.env.DB.prepare("UPDATE history_seeds SET status = 'failed', error = ? WHERE id = ?")
				.bind(`could not start: ${String(error)}`, id)
				.run();
			throw new ApiError("service_unavailable", "The seed could not be started; try again shortly.", {
				headers: { "Retry-After": "30" },
			});
		}
		const seed = (await getSeed(c.env.DB, id)) as Seed;
		c.header("Location", `/v1/admin/history/seeds/${id}`);
		return c.json({ ...seedBody(seed), reused: false }, 202);
	},
);

adminHistoryRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/history/seeds/{id}",
		operationId: "getHistorySeed",
		tags,
		summary: "One seed: its status and the days it has merged",
		request: { params: SeedIdParam },
		responses: {
			200: { description: "The seed", content: { "application/json": { schema: SeedResponse.shape.seed } } },
			...problemResponses(401, 403, 404, 422, 429),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const seed = await getSeed(c.env.DB, id);
		if (!seed) throw new ApiError("not_found", `No seed ${id}.`);
		c.header("Cache-Control", "no-store");
		return c.json(seed, 200);
	},
);
