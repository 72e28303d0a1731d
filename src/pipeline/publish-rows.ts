/**
 * Publishing price rows with a rule model in one go, as one run would (the same publish and
 * finalize statements) but without the Workflow: the serving benchmark and the tests seed a
 * deployment with it. A learned model is only ever published by a run.
 */
import { promote, registerVersion } from "../db/models";
import { publishStaged, setServingState } from "../db/serving";
import { recordStaged } from "../db/track-record";
import { type PriceRow, toSeries } from "../model/card-series";
import { buildTable, joinMarket } from "../model/feature-table";
import { emptyMarketTally, marketTable } from "../model/market";
import type { RuleSpec } from "../model/rules";
import { ruleVersion } from "./model-ref";
import { publishShard } from "./steps/publish";
import { putObject } from "./storage";
import { writeTable } from "./tables";

/** Where seeded data is served from, and with which version. */
export type Published = { epoch: string; version: string; data_as_of: string };

/** Publishes `rows` with `rule` as run `runId` (one shard), makes it what serves, and (by default) the champion. */
export async function publishRows(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	rows: readonly PriceRow[],
	rule: RuleSpec,
	options: { runId: string; source: string; horizonDays: number; move: number; minPrice: number; promote?: boolean },
): Promise<Published> {
	const series = toSeries(rows);
	const asOf = series.reduce((max, s) => ((s.dates.at(-1) as string) > max ? (s.dates.at(-1) as string) : max), "");
	const from = series.reduce((min, s) => ((s.dates[0] as string) < min ? (s.dates[0] as string) : min), "9999-12-31");
	const horizon = { days: options.horizonDays, move: options.move };
	const market = emptyMarketTally();
	const moves = () => marketTable(market);
	const table = joinMarket(buildTable(series, { asOf, horizon, rules: [], market }), moves());
	const names = series.flatMap((s) => s.dates.map(() => s.name));
	const prefix = `seed/${options.runId}`;
	const features = await putObject(
		env.ARCHIVE,
		`${prefix}/features.parquet`,
		writeTable(table, { names: true, card_name: names }),
		"application/vnd.apache.parquet",
	);
	const marketRef = await putObject(env.ARCHIVE, `${prefix}/market.bin`, moves().bytes, "application/octet-stream");
	const version = ruleVersion(rule);
	await publishShard(env, {
		shard: 0,
		features,
		market: marketRef,
		model: { version, kind: "rule", rule },
		run_id: options.runId,
		run_date: asOf,
		as_of: asOf,
		horizon,
		min_price: options.minPrice,
	});
	const now = new Date().toISOString();
	await env.DB.batch([
		registerVersion(env.DB, {
			version,
			kind: "rule",
			estimator: rule.rule,
			params: rule,
			artifact_key: null,
			trained_through: null,
			row_count: 0,
			data_from: from,
			data_as_of: asOf,
			source: options.source,
			created_at: now,
			run_id: null,
			figures: null,
		}),
		...publishStaged(env.DB, options.runId),
		...recordStaged(env.DB, options.runId),
		setServingState(env.DB, {
			run_id: options.runId,
			run_date: asOf,
			data_as_of: asOf,
			model_version: version,
			published_at: now,
		}),
	]);
	if (options.promote !== false) await promote(env.DB, version, now);
	return { epoch: options.runId, version, data_as_of: asOf };
}
