import { createRoute } from "@hono/zod-openapi";
import { getChampion, getModelVersion, promoteStatement, recordAliasEvent } from "../../db/models";
import { getRun } from "../../db/runs";
import { getServingState } from "../../db/serving";
import { ApiError } from "../../errors";
import { requestRun } from "../../pipeline/start-run";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";
import { PromoteResponse, VersionParam } from "../schemas/models";

/** Promotion by hand (a rollback is promoting an older version). Needs the `admin` scope. */
export const adminModelRoutes = createApp();

adminModelRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/models/{version}/promote",
		operationId: "promoteModel",
		tags: ["Admin: models"],
		summary:
			"Make a ready version the champion (a rollback is promoting an older one) and republish the newest night with it",
		request: { params: VersionParam },
		responses: {
			200: { description: "The champion now and before", content: { "application/json": { schema: PromoteResponse } } },
			...problemResponses(401, 403, 404, 409, 422, 429),
		},
	}),
	async (c) => {
		const { version } = c.req.valid("param");
		const found = await getModelVersion(c.env.DB, version);
		if (!found) throw new ApiError("not_found", `No model version ${version}. GET /v1/models lists them.`);
		if (found.status !== "ready")
			throw new ApiError("conflict", `Model version ${version} is still building and cannot be promoted.`);
		const before = (await getChampion(c.env.DB))?.version ?? null;
		const at = new Date().toISOString();
		// The alias moves and the move is recorded in one transaction. Served answers come from the
		// data runs publish: the next run (nightly, or `npm run models -- promote` starts one)
		// publishes with the new champion unless a challenger beats it.
		const [moved] = await c.env.DB.batch([
			promoteStatement(c.env.DB, version, at),
			recordAliasEvent(c.env.DB, { version, previous: before, actor: `key:${c.get("apiKey")?.id ?? "unknown"}`, at }),
		]);
		if (!moved?.meta.changes) throw new ApiError("conflict", `Model version ${version} could not be promoted.`);
		// Served answers are the data runs published: republish the newest night with the new champion.
		const serving = await getServingState(c.env.DB);
		const last = serving ? await getRun(c.env.DB, serving.run_id) : null;
		let republish: { id: string; href: string } | null = null;
		if (serving && last) {
			const { run } = await requestRun(c.env, {
				source: last.source,
				run_date: serving.run_date,
				trigger: "api",
				force: false,
				republish: true,
			});
			republish = { id: run.id, href: `/v1/runs/${run.id}` };
		}
		c.header("Cache-Control", "no-store");
		return c.json({ alias: "champion" as const, version, previous: before, republish }, 200);
	},
);
