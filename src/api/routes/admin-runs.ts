import { createRoute } from "@hono/zod-openapi";
import { addFeedRequests } from "../../db/feed";
import { listHistoryDays } from "../../db/history";
import { ApiError } from "../../errors";
import { addDays, todayUtc } from "../../model/dates";
import { RunNotStartedError, requestRun } from "../../pipeline/start-run";
import { askFeedDay, feedOptions, requestDay, todaysBudget } from "../../pipeline/steps/feed-check";
import { priceKeys } from "../../prices/keys";
import { isSyntheticSource } from "../../prices/synthetic";
import { FeedClient } from "../../prices/tcgcsv/client";
import { createApp } from "../app";
import { problemResponses } from "../schemas/common";
import { runView, StartRunRequest, StartRunResponse } from "../schemas/runs";

/** Starting pipeline runs by hand (the CLI, `npm start`). Needs the `admin` scope. */
export const adminRunRoutes = createApp();

const invalid = (location: string, message: string) =>
	new ApiError("validation_failed", `${location}: ${message}`, { errors: [{ location, message }] });

adminRunRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/runs",
		operationId: "startRun",
		tags: ["Admin: pipeline"],
		summary: "Start a pipeline run (or reuse the run for the same date, source and code version)",
		request: { body: { required: true, content: { "application/json": { schema: StartRunRequest } } } },
		responses: {
			200: { description: "An existing run was reused", content: { "application/json": { schema: StartRunResponse } } },
			202: {
				description: "A run was started; poll its href",
				content: { "application/json": { schema: StartRunResponse } },
			},
			...problemResponses(400, 401, 403, 415, 422, 429, 503),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const config = c.get("config");
		const today = todayUtc();
		let runDate = body.date ?? today;
		if (runDate > today) throw invalid("body.date", `must not be after today (${today})`);
		if (body.source === "tcgcsv" && body.date === undefined) {
			// A feed run is dated by the feed's day: without a date, the day it has published last.
			const client = new FeedClient(feedOptions(config), await todaysBudget(c.env.DB, config));
			const answer = await askFeedDay(client);
			if (client.requests > 0) await addFeedRequests(c.env.DB, requestDay(), client.requests).run();
			if (answer.ok) runDate = answer.value.day;
		}
		if (body.source === "history") {
			const from = addDays(runDate, -(config.PIPELINE_HISTORY_DAYS - 1));
			if ((await listHistoryDays(c.env.DB, from, runDate)).length === 0)
				throw invalid(
					"body.source",
					`the price history holds no day from ${from} to ${runDate}: collect or import one first`,
				);
		}
		if (body.source === "sample" && !(await c.env.ARCHIVE.head(priceKeys.sample)))
			throw invalid("body.source", "the sample is not uploaded yet: PUT it to /v1/admin/sample first");
		if (body.source.startsWith("file:") && !(await c.env.ARCHIVE.head(priceKeys.manifest(body.source.slice(5)))))
			throw invalid(
				"body.source",
				"no import has this id: POST the CSV (or commit its chunks) to /v1/admin/imports first",
			);
		if (isSyntheticSource(body.source) && !config.PIPELINE_SYNTHETIC)
			throw invalid("body.source", "the synthetic source is for benchmarks only: PIPELINE_SYNTHETIC is not true here");
		if (body.source === "live" && !config.PRICE_TRACKER_API_KEY)
			throw invalid("body.source", "the live source needs the PRICE_TRACKER_API_KEY secret, which is not set");
		try {
			const { run, reused } = await requestRun(c.env, {
				source: body.source,
				run_date: runDate,
				trigger: body.trigger,
				force: body.force,
			});
			c.header("Cache-Control", "no-store");
			c.header("Location", `/v1/runs/${run.id}`);
			return c.json({ run: runView(run), reused, href: `/v1/runs/${run.id}` }, reused ? 200 : 202);
		} catch (error) {
			if (error instanceof RunNotStartedError)
				throw new ApiError("service_unavailable", "The pipeline could not be started; try again shortly.", {
					headers: { "Retry-After": "30" },
				});
			throw error;
		}
	},
);
