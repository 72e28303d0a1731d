import { z } from "@hono/zod-openapi";
import { SOURCE_MESSAGE, SOURCE_PATTERN } from "../../pipeline/params";
import { IsoDate, listOf, pageQuery } from "./common";

/** A run id: the Workflow instance id (`nightly-2026-08-23`, `run-20260823-1a2b3c4d`). */
export const RunId = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "must be a run id such as nightly-2026-08-23 or run-20260823-1a2b3c4d")
	.openapi({ example: "nightly-2026-08-23" });

/** Where a run is: queued, running, or how it ended. */
export const RunStatus = z.enum(["queued", "running", "complete", "rejected", "failed"]).openapi("RunStatus");

/** A run's price source. */
export const SourceRef = z.string().regex(SOURCE_PATTERN, SOURCE_MESSAGE).openapi({ example: "sample" });

/** A pipeline run as stored in `pipeline_runs`. */
export const Run = z
	.object({
		id: RunId,
		instance_id: z.string(),
		trigger: z.enum(["cron", "api", "cli", "start"]),
		source: z.string(),
		run_date: IsoDate,
		status: RunStatus,
		force: z.boolean(),
		code_version: z.string(),
		created_at: z.string(),
		started_at: z.string().nullable(),
		ended_at: z.string().nullable(),
		champion_before: z.string().nullable(),
		candidate: z
			.string()
			.nullable()
			.openapi({ description: "The challenger: `learned`, or the baseline rule chosen on the selection window." }),
		model_version: z
			.string()
			.nullable()
			.openapi({ description: "The learned model version the run fitted and registered." }),
		promoted: z.boolean().openapi({ description: "Whether the champion alias moved to the run's challenger." }),
		serving_version: z.string().nullable().openapi({
			description: "The model the run published the night's data with (challenger, champion or always-HOLD).",
		}),
		published: z
			.boolean()
			.openapi({ description: "Whether serving moved to the run's data (false for a run older than what serves)." }),
		heartbeat_at: z
			.string()
			.nullable()
			.openapi({ description: "The run's last sign of progress (a step started or ended)." }),
		reason: z.string().nullable().openapi({ description: "Why the gate kept the champion, or why the run failed." }),
	})
	.openapi("Run");
export type Run = z.infer<typeof Run>;

/** A stored run as the API shows it: without the bookkeeping only the pipeline reads (its live key, its step's timeout). */
export const runView = <T extends { live_key?: unknown; step_timeout_seconds?: unknown }>(run: T) => {
	const { live_key: _key, step_timeout_seconds: _timeout, ...shown } = run;
	return shown;
};

/** One step of a run. */
export const RunStep = z
	.object({
		name: z.string().openapi({ example: "features #0" }),
		kind: z.string(),
		status: z.enum(["running", "complete", "failed"]),
		attempts: z.number().int(),
		started_at: z.string(),
		ended_at: z.string().nullable(),
		input_hash: z.string().nullable(),
		code_version: z.string(),
		outputs: z.unknown().openapi({ description: "Small values only: keys, counts, hashes." }),
		cached: z
			.boolean()
			.openapi({ description: "Reused from an earlier step with the same input hash and code version." }),
		error: z.string().nullable(),
	})
	.openapi("RunStep");

/** One metric of a run. */
export const RunMetric = z
	.object({
		subject: z.string().openapi({ example: "chosen" }),
		window_name: z.string().openapi({ example: "validation" }),
		name: z.string().openapi({ example: "mape" }),
		value: z.number().nullable(),
	})
	.openapi("RunMetric");

/** An R2 object a run wrote or reused. */
export const RunArtifact = z
	.object({ r2_key: z.string(), kind: z.string(), bytes: z.number().int(), sha256: z.string(), created_at: z.string() })
	.openapi("RunArtifact");

/** What happened to one card of a live collection. */
export const CardOutcome = z
	.object({
		card_id: z.string(),
		tcgplayer_id: z.string(),
		status: z.enum(["ok", "failed", "skipped"]),
		points: z.number().int(),
		attempts: z.number().int(),
		http_status: z.number().int().nullable(),
		error: z.string().nullable(),
	})
	.openapi("CardOutcome");

/** What happened to one group (set) of a feed collection. */
export const GroupOutcome = z
	.object({
		category_id: z.number().int(),
		group_id: z.number().int(),
		name: z.string(),
		status: z.enum(["ok", "failed"]),
		prices: z.enum(["fetched", "stored", "none"]).openapi({
			description: "fetched from the feed, or stored: the night's response was already kept (collected before).",
		}),
		products: z.enum(["fetched", "stored", "kept", "none"]).openapi({
			description: "kept: unchanged since they were last fetched, so not asked again.",
		}),
		rows: z.number().int().openapi({ description: "Series with a market price." }),
		nulls: z.number().int().openapi({ description: "Series with no market price that night (a gap)." }),
		zeros: z.number().int().openapi({ description: "Series priced 0 (refused: TCGplayer shows $0.00 for no price)." }),
		attempts: z.number().int(),
		http_status: z.number().int().nullable(),
		error: z.string().nullable(),
	})
	.openapi("GroupOutcome");

/** A run with everything it recorded. */
export const RunDetail = Run.extend({
	steps: z.array(RunStep),
	params: z.record(z.string(), z.unknown()),
	metrics: z.array(RunMetric),
	artifacts: z.array(RunArtifact),
	collection: z.object({
		counts: z.object({ ok: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
		problems: z.array(CardOutcome).openapi({ description: "Cards not collected (live runs), at most 100." }),
		groups: z
			.object({
				ok: z.number().int(),
				failed: z.number().int(),
				fetched: z.number().int().openapi({ description: "Groups whose prices were fetched from the feed." }),
				stored: z
					.number()
					.int()
					.openapi({ description: "Groups whose prices were read from the night's kept responses." }),
				problems: z
					.array(GroupOutcome)
					.openapi({ description: "Groups not collected (their cards have a one-day gap), at most 100." }),
			})
			.nullable()
			.openapi({ description: "The feed's groups (tcgcsv runs); null for other sources." }),
	}),
}).openapi("RunDetail");
export type RunDetail = z.infer<typeof RunDetail>;

/** A page of runs. */
export const RunList = listOf(Run).openapi("RunList");

/** Paging and filtering of GET /v1/runs. */
export const RunsQuery = z.object({
	...pageQuery(20),
	status: RunStatus.optional().openapi({ param: { name: "status", in: "query" } }),
});

/** `ids=a,b`: two to five run ids. */
export const CompareQuery = z.object({
	ids: z
		.string()
		.transform((v) => v.split(",").map((s) => s.trim()))
		.pipe(z.array(RunId).min(2, "must name at least two runs").max(5, "must name at most five runs"))
		.openapi({ param: { name: "ids", in: "query" }, example: "nightly-2026-08-22,nightly-2026-08-23", type: "string" }),
});

/** Runs side by side. */
export const RunCompare = z
	.object({
		runs: z.array(Run),
		params: z.array(z.object({ name: z.string(), values: z.array(z.unknown()), same: z.boolean() })),
		metrics: z.array(
			z.object({
				subject: z.string(),
				window_name: z.string(),
				name: z.string(),
				values: z.array(z.number().nullable()),
				same: z.boolean(),
			}),
		),
	})
	.openapi("RunCompare");
export type RunCompare = z.infer<typeof RunCompare>;

/** The `{id}` path parameter. */
export const RunIdParam = z.object({ id: RunId.openapi({ param: { name: "id", in: "path" } }) });

/** The body of POST /v1/admin/runs. */
export const StartRunRequest = z
	.object({
		date: IsoDate.optional().openapi({ description: "The run date (prices on or before it). Default: today (UTC)." }),
		source: SourceRef.default("sample"),
		force: z.boolean().default(false).openapi({
			description:
				"Start a new run even if one for this date and source exists, and promote even if worse than the champion.",
		}),
		trigger: z.enum(["api", "cli", "start"]).default("api"),
	})
	.strict()
	.openapi("StartRunRequest");

/** The run started or reused, and where to follow it. */
export const StartRunResponse = z
	.object({ run: Run, reused: z.boolean(), href: z.string().openapi({ example: "/v1/runs/run-20260823-1a2b3c4d" }) })
	.openapi("StartRunResponse");
