/**
 * Builds a model artifact from the shipped sample and promotes it, in the local state that
 * `wrangler dev` uses (.wrangler/state). Idempotent: the same data gives the same version.
 *
 *   npm run model:build [-- --csv PATH]
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../src/config";
import { parsePriceCsv } from "../src/lib/csv";
import { type PublishResult, publishModel } from "../src/pipeline/publish-model";
import { LATEST_IMPORT_KEY } from "../src/pipeline/schedule";
import { ROOT } from "./lib/local";

export const SAMPLE_CSV = join(ROOT, "data", "sample", "card_prices.csv");

/** Imports a price CSV into R2 and publishes + promotes a model built from it. */
export async function buildModel(
	env: Pick<Env, "DB" | "ARCHIVE">,
	config: Config,
	csvPath = SAMPLE_CSV,
	source = "sample",
): Promise<PublishResult> {
	const text = await readFile(csvPath, "utf8");
	const rows = parsePriceCsv(text, source);
	await env.ARCHIVE.put(LATEST_IMPORT_KEY, text, { httpMetadata: { contentType: "text/csv" } });
	return publishModel(env, rows, {
		source,
		spec: {
			estimator: "trailing_mean",
			window: config.FAIR_VALUE_WINDOW,
			buy_threshold: config.BUY_THRESHOLD,
			sell_threshold: config.SELL_THRESHOLD,
		},
	});
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { getPlatformProxy } = await import("wrangler");
	const { getConfig } = await import("../src/config");
	const { values } = parseArgs({ options: { csv: { type: "string" } } });
	const platform = await getPlatformProxy<Env>({ persist: true });
	try {
		const result = await buildModel(
			platform.env,
			getConfig(platform.env),
			values.csv ?? SAMPLE_CSV,
			values.csv ? "csv" : "sample",
		);
		console.log(JSON.stringify(result, null, 2));
	} finally {
		await platform.dispose();
	}
}
