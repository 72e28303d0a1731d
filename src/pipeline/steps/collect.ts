/** Steps "plan shards", "collect #n" and "check collection": prices from the source into raw Parquet. */
import type { Config } from "../../config";
import { runBatched } from "../../db/batch";
import type { DayVersion } from "../../db/history";
import { type MetricRow, putArtifacts, putMetrics, putOutcomes, putParams } from "../../db/run-records";
import { writePrices } from "../../prices/price-parquet";
import { type CollectState, openSource, type ShardRange, type SourcePlan } from "../../prices/sources";
import { pipelineKeys, sourceTag } from "../artifact-keys";
import { FatalStepError } from "../errors";
import type { PipelineParams } from "../params";
import { artifactRow, type ObjectRef, putObject } from "../storage";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** Plans the run's shards from its source, and records the plan. */
export async function planShards(env: Env, config: Config, runId: string, params: PipelineParams): Promise<SourcePlan> {
	const plan = await openSource(env, config, params.source, params.run_date).plan(
		config.PIPELINE_SHARD_CARDS,
		config.PIPELINE_SHARD_ROWS,
	);
	await runBatched(
		env.DB,
		putParams(env.DB, runId, { input: plan.input, universe_cards: plan.cards, shards: plan.shards.length }),
	);
	return plan;
}

/** What collecting one shard wrote: the raw object and counts (never the rows). */
export type CollectOutput = {
	shard: number;
	raw: ObjectRef;
	rows: number;
	cards: number;
	ok: number;
	failed: number;
	skipped: number;
	first_date: string | null;
	last_date: string | null;
	state: CollectState;
	/** The shard's cards that get no signals (sealed products while SIGNAL_SEALED is false). */
	no_signal: string[];
};

/**
 * Collects one shard and writes it as `raw/date=<run date>/source=<source>/part-NNNN.parquet`
 * (rows sorted by card and date, so the same prices give the same bytes and a re-run overwrites
 * rather than duplicates). Live outcomes are recorded per card.
 */
export async function collectShard(
	env: Env,
	config: Config,
	runId: string,
	params: PipelineParams,
	shard: ShardRange,
	state: CollectState,
	history: readonly DayVersion[] = [],
): Promise<CollectOutput> {
	const source = openSource(env, config, params.source, params.run_date, history);
	const collected = await source.collect(shard, state);
	const rows = [...collected.rows].sort((a, b) =>
		a.card_id === b.card_id ? (a.date < b.date ? -1 : 1) : a.card_id < b.card_id ? -1 : 1,
	);
	const raw = await putObject(
		env.ARCHIVE,
		pipelineKeys.raw(params.run_date, sourceTag(params.source), shard.index),
		writePrices(rows),
		"application/vnd.apache.parquet",
	);
	const at = new Date().toISOString();
	await runBatched(env.DB, [
		...putArtifacts(env.DB, runId, [artifactRow(raw, "raw", at)]),
		...putOutcomes(env.DB, runId, collected.outcomes),
	]);
	const cards = new Set(rows.map((r) => r.card_id)).size;
	const count = (status: string) => collected.outcomes.filter((o) => o.status === status).length;
	return {
		shard: shard.index,
		raw,
		rows: rows.length,
		cards,
		ok: collected.outcomes.length > 0 ? count("ok") : cards,
		failed: count("failed"),
		skipped: count("skipped"),
		first_date: rows.reduce<string | null>((min, r) => (min === null || r.date < min ? r.date : min), null),
		last_date: rows.reduce<string | null>((max, r) => (max === null || r.date > max ? r.date : max), null),
		state: { dailyRemaining: collected.dailyRemaining, stopped: collected.stopped },
		no_signal: config.SIGNAL_SEALED ? [] : (collected.sealed ?? []),
	};
}

/** The collection as a whole. */
export type CollectionSummary = {
	rows: number;
	cards: number;
	failed: number;
	skipped: number;
	failure_share: number;
	data_from: string;
	data_as_of: string;
};

/**
 * What a run's own collection into the history did (tcgcsv: groups; live: cards): what the
 * failure share is judged on for sources that read the history.
 */
export type IntakeSummary = {
	unit: "groups" | "cards";
	planned: number;
	failed: number;
	skipped: number;
	stopped: string | null;
};

/**
 * Totals the shards and refuses to go on with no prices, or when more than
 * COLLECT_MAX_FAILURE_SHARE of the planned cards (or of the intake's groups or cards) could not
 * be collected.
 */
export async function checkCollection(
	db: D1Database,
	config: Config,
	runId: string,
	plan: SourcePlan,
	shards: readonly CollectOutput[],
	intake: IntakeSummary | null = null,
): Promise<CollectionSummary> {
	const sum = (f: (s: CollectOutput) => number) => shards.reduce((a, s) => a + f(s), 0);
	const failed = intake ? intake.failed : sum((s) => s.failed);
	const skipped = intake ? intake.skipped : sum((s) => s.skipped);
	const planned = intake ? intake.planned : plan.cards;
	const dates = shards.flatMap((s) => (s.first_date && s.last_date ? [s.first_date, s.last_date] : [])).sort();
	const summary: CollectionSummary = {
		rows: sum((s) => s.rows),
		cards: sum((s) => s.cards),
		failed,
		skipped,
		failure_share: planned > 0 ? (failed + skipped) / planned : 1,
		data_from: dates[0] ?? "",
		data_as_of: dates.at(-1) ?? "",
	};
	const metrics: MetricRow[] = Object.entries(summary)
		.filter(([, v]) => typeof v === "number")
		.map(([name, value]) => ({ subject: "collect", window_name: "run", name, value: value as number }));
	await runBatched(db, putMetrics(db, runId, metrics));
	if (summary.rows === 0) throw new FatalStepError("no prices were collected");
	if (summary.failure_share > config.COLLECT_MAX_FAILURE_SHARE) {
		const stopped = intake?.stopped ?? shards.find((s) => s.state.stopped)?.state.stopped;
		throw new FatalStepError(
			`${failed + skipped} of ${planned} ${intake?.unit ?? "cards"} were not collected (${(summary.failure_share * 100).toFixed(1)}% > ` +
				`COLLECT_MAX_FAILURE_SHARE ${config.COLLECT_MAX_FAILURE_SHARE * 100}%)${stopped ? `; stopped early: ${stopped}` : ""}`,
		);
	}
	return summary;
}
