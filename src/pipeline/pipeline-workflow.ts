import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { getConfig } from "../config";
import { CsvImportError, parsePriceCsv } from "../lib/csv";
import { sha256Hex } from "../lib/hash";
import { publishModel } from "./publish-model";
import { STEP } from "./step-names";

/** Parameters of a pipeline run. */
export const PipelineParams = z.object({
	/** R2 key of a price CSV (`card_id,card_name,set_name,date,market_price[,source]`). */
	csv_key: z.string().min(1),
	/** Only prices on or before this date are used (replaying history as of a day). */
	as_of: z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}$/)
		.optional(),
	source: z.string().default("csv"),
	promote: z.boolean().default(true),
});
export type PipelineParams = z.input<typeof PipelineParams>;

async function readRows(bucket: R2Bucket, key: string, asOf: string | undefined, source: string) {
	const object = await bucket.get(key);
	if (!object) throw new NonRetryableError(`no price file at ${key}`);
	const text = await object.text();
	try {
		const rows = parsePriceCsv(text, source);
		return { text, rows: asOf ? rows.filter((r) => r.date <= asOf) : rows };
	} catch (error) {
		if (error instanceof CsvImportError) throw new NonRetryableError(error.message);
		throw error;
	}
}

/**
 * Builds and promotes a model from a price file in R2. Thin by design: each step is a plain
 * function returning small values (counts, hashes, a version), never the data.
 */
export class PricePipeline extends WorkflowEntrypoint<Env, PipelineParams> {
	override async run(event: WorkflowEvent<PipelineParams>, step: WorkflowStep) {
		const params = PipelineParams.parse(event.payload);
		const config = getConfig(this.env);
		const spec = {
			estimator: "trailing_mean" as const,
			window: config.FAIR_VALUE_WINDOW,
			buy_threshold: config.BUY_THRESHOLD,
			sell_threshold: config.SELL_THRESHOLD,
		};
		const imported = await step.do(
			STEP.importPrices,
			{ retries: { limit: 3, delay: "5 seconds", backoff: "exponential" } },
			async () => {
				const { text, rows } = await readRows(this.env.ARCHIVE, params.csv_key, params.as_of, params.source);
				if (rows.length === 0) throw new NonRetryableError("the price file has no rows on or before the run date");
				return { rows: rows.length, sha256: await sha256Hex(text) };
			},
		);
		const published = await step.do(
			STEP.publishModel,
			{ retries: { limit: 3, delay: "10 seconds", backoff: "exponential" } },
			async () => {
				const { rows } = await readRows(this.env.ARCHIVE, params.csv_key, params.as_of, params.source);
				return publishModel(this.env, rows, { spec, source: params.source, promote: params.promote });
			},
		);
		return { imported, published };
	}
}
