import { createRoute } from "@hono/zod-openapi";
import { getFeedOutcomes } from "../../db/feed";
import { getArtifacts, getMetrics, getOutcomes, getParams } from "../../db/run-records";
import { getRun, listRuns } from "../../db/runs";
import { listSteps } from "../../db/steps";
import { ApiError } from "../../errors";
import { failIfDead } from "../../pipeline/liveness";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { problemResponses } from "../schemas/common";
import { CompareQuery, RunCompare, RunDetail, RunIdParam, RunList, RunsQuery, runView } from "../schemas/runs";

/** Pipeline runs: the list, one run in full, and a side-by-side comparison. */
export const runRoutes = createApp();

const tags = ["Pipeline runs"];

const runNotFound = (id: string) =>
	new ApiError("not_found", `No run with id ${id}. GET /v1/runs lists them.`, { members: { run_id: id } });

runRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/runs",
		operationId: "listRuns",
		tags,
		summary: "Pipeline runs, newest first",
		request: { query: RunsQuery },
		responses: {
			200: { description: "A page of runs", content: { "application/json": { schema: RunList } } },
			...problemResponses(422),
		},
	}),
	async (c) => {
		const { limit, cursor, status } = c.req.valid("query");
		const before = cursor ? decodeCursor(cursor, 2) : undefined;
		const runs = await listRuns(c.env.DB, {
			limit: limit + 1,
			status,
			...(before ? { before: { created_at: before[0] as string, id: before[1] as string } } : {}),
		});
		const { page, next_cursor } = pageOf(runs, limit, (r) => [r.created_at, r.id]);
		c.header("Cache-Control", "no-store");
		return c.json({ data: page.map(runView), next_cursor }, 200);
	},
);

// Registered before /v1/runs/{id}, which would otherwise take "compare" for an id.
runRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/runs/compare",
		operationId: "compareRuns",
		tags,
		summary: "Compare runs side by side: params and metrics, with whether they differ",
		request: { query: CompareQuery },
		responses: {
			200: {
				description: "The runs, their params and their metrics",
				content: { "application/json": { schema: RunCompare } },
			},
			...problemResponses(404, 422),
		},
	}),
	async (c) => {
		const { ids } = c.req.valid("query");
		const runs = await Promise.all(ids.map((id) => getRun(c.env.DB, id)));
		const missing = ids.find((_, i) => !runs[i]);
		if (missing) throw runNotFound(missing);
		const params = await Promise.all(ids.map((id) => getParams(c.env.DB, id)));
		const metrics = await Promise.all(ids.map((id) => getMetrics(c.env.DB, id)));
		const paramNames = [...new Set(params.flatMap((p) => Object.keys(p)))].sort();
		const metricKey = (m: { subject: string; window_name: string; name: string }) =>
			`${m.subject}\u0000${m.window_name}\u0000${m.name}`;
		const metricKeys = [...new Set(metrics.flatMap((ms) => ms.map(metricKey)))].sort();
		const lookups = metrics.map((ms) => new Map(ms.map((m) => [metricKey(m), m.value])));
		c.header("Cache-Control", "no-store");
		return c.json(
			{
				runs: runs.filter((r) => r !== null).map(runView),
				params: paramNames.map((name) => {
					const values = params.map((p) => p[name] ?? null);
					return { name, values, same: values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) };
				}),
				metrics: metricKeys.map((key) => {
					const [subject, window_name, name] = key.split("\u0000") as [string, string, string];
					const values = lookups.map((l) => l.get(key) ?? null);
					return { subject, window_name, name, values, same: values.every((v) => v === values[0]) };
				}),
			},
			200,
		);
	},
);

runRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/runs/{id}",
		operationId: "getRun",
		tags,
		summary: "One run: its steps, params, metrics, artifacts and collection outcomes",
		request: { params: RunIdParam },
		responses: {
			200: { description: "The run", content: { "application/json": { schema: RunDetail } } },
			...problemResponses(404, 422),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		let run = await getRun(c.env.DB, id);
		if (!run) throw runNotFound(id);
		// A reader of a run whose Worker died sees it failed, not running forever.
		if (await failIfDead(c.env, run)) run = (await getRun(c.env.DB, id)) ?? run;
		const [steps, params, metrics, artifacts, outcomes, groups] = await Promise.all([
			listSteps(c.env.DB, id),
			getParams(c.env.DB, id),
			getMetrics(c.env.DB, id),
			getArtifacts(c.env.DB, id),
			getOutcomes(c.env.DB, id),
			run.source === "tcgcsv" ? getFeedOutcomes(c.env.DB, id) : Promise.resolve(null),
		]);
		c.header("Cache-Control", "no-store");
		const collection = { ...outcomes, groups };
		return c.json({ ...runView(run), steps, params, metrics, artifacts, collection }, 200);
	},
);
