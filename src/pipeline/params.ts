import { z } from "zod";
import { isIsoDate } from "../model/card-series";

/**
 * A run's price source: `sample`, `tcgcsv` (the whole TCGCSV feed, into the price history),
 * `live` (the Price Tracker API, into the history), `history` (the history as stored),
 * `file:<sha256 of an uploaded CSV>`, or (benchmarks only, where PIPELINE_SYNTHETIC allows it)
 * `synthetic:<cards>x<days>:<seed>`.
 */
export const SOURCE_PATTERN =
	/^(sample|tcgcsv|live|history|file:[0-9a-f]{64}|synthetic:[1-9]\d{0,6}x[1-9]\d{0,3}:\d{1,9})$/;
/** What a bad source is told. */
export const SOURCE_MESSAGE = 'must be "sample", "tcgcsv", "live", "history" or "file:<sha256 of an uploaded file>"';
const SourceRef = z.string().regex(SOURCE_PATTERN, SOURCE_MESSAGE);

/** Parameters of a pipeline run (the Workflow's payload), parsed at the top of `run()`. */
export const PipelineParams = z.object({
	source: SourceRef,
	/** Prices on or before this date are used; raw data is partitioned by it. */
	run_date: z.string().refine(isIsoDate, "must be a calendar date in YYYY-MM-DD form"),
	trigger: z.enum(["cron", "api", "cli", "start"]).default("api"),
	/** Promote even when the challenger is worse than the serving champion. */
	force: z.boolean().default(false),
	/**
	 * Publish the night's data with the champion as it is, without fitting or gating (after a
	 * promotion by hand, so a rollback serves at once).
	 */
	republish: z.boolean().default(false),
});
export type PipelineParams = z.infer<typeof PipelineParams>;
export type PipelineInput = z.input<typeof PipelineParams>;
