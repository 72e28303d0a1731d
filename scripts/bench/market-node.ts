/**
 * The whole-market night's steps run again in Node, for what workerd does not report locally:
 * memory, CPU and the subrequests each step invocation makes (fetches to the feed, R2 and D1
 * calls). Same step functions, against the same local feed host, over the in-memory stores of
 * node-stores.ts. With `historyDays`, a year (or any number of days) of nightly snapshots of the
 * synthetic feed is written into the history first, through the history's own `writeDay`, and
 * the night's largest shard is then collected from it and its features built: the steps whose
 * inputs grow with the history.
 */
import type { Config } from "../../src/config";
import { addDays } from "../../src/model/dates";
import type { PipelineParams } from "../../src/pipeline/params";
import { STEP, shardStep } from "../../src/pipeline/step-names";
import { collectShard, planShards } from "../../src/pipeline/steps/collect";
import { buildFeatureShard, type FeaturesInput } from "../../src/pipeline/steps/features";
import { checkFeed } from "../../src/pipeline/steps/feed-check";
import { collectFeedBatch, type FeedBatchOutput } from "../../src/pipeline/steps/feed-collect";
import { commitFeedDay } from "../../src/pipeline/steps/feed-commit";
import { inputHash } from "../../src/pipeline/tracking";
import { writeDay } from "../../src/prices/history/day-store";
import { feedCardId } from "../../src/prices/tcgcsv/cards";
import type { SyntheticFeed } from "../lib/feed/synthetic-feed";
import { MemoryBucket } from "./node-stores";
import { measure, openRunningRun } from "./pipeline-node";
import type { NodeMeasurement } from "./pipeline-report";

/** Calls one step invocation made: what counts toward the Workers subrequest limit. */
export type Subrequests = { fetches: number; r2: number; d1: number; total: number };

/** A Node measurement with the invocation's subrequests. */
export type MarketMeasurement = NodeMeasurement & { subrequests: Subrequests; note?: string };

/** Counts calls on the R2 and D1 bindings (every method call on the bucket, every statement run and batch). */
class CallCounter {
	r2 = 0;
	d1 = 0;

	bucket(bucket: R2Bucket): R2Bucket {
		return new Proxy(bucket, {
			get: (target, prop) => {
				const value: unknown = Reflect.get(target, prop, target);
				if (typeof value !== "function") return value;
				return (...args: unknown[]) => {
					this.r2++;
					return (value as (...a: unknown[]) => unknown).apply(target, args);
				};
			},
		});
	}

	database(db: D1Database): D1Database {
		const statement = (s: D1PreparedStatement): D1PreparedStatement =>
			new Proxy(s, {
				get: (target, prop) => {
					const value: unknown = Reflect.get(target, prop, target);
					if (typeof value !== "function") return value;
					if (prop === "bind")
						return (...args: unknown[]) =>
							statement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
					return (...args: unknown[]) => {
						this.d1++;
						return (value as (...a: unknown[]) => unknown).apply(target, args);
					};
				},
			});
		return new Proxy(db, {
			get: (target, prop) => {
				const value: unknown = Reflect.get(target, prop, target);
				if (prop === "prepare") return (sql: string) => statement(target.prepare(sql));
				if (prop === "batch")
					return (list: D1PreparedStatement[]) => {
						this.d1++;
						return target.batch(list);
					};
				return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
			},
		});
	}

	reset() {
		this.r2 = 0;
		this.d1 = 0;
	}
}

/** What the Node half needs: the run's config, the host's request count, the feed and the night. */
export type MarketNodeRun = {
	config: Config;
	feed: SyntheticFeed;
	night: string;
	/** Requests the feed host has answered so far (its log's length). */
	requests: () => number;
	/** Days of history written before the night (0: none). */
	historyDays: number;
	log: (line: string) => void;
};

/** Measures the feed steps of one night, then (with history) the largest shard's collect and features. */
export async function measureMarketInNode(run: MarketNodeRun): Promise<{
	steps: MarketMeasurement[];
	history: { days: number; cards_per_day: number; parts: number; bytes: number; seconds: number } | null;
}> {
	const { config, night } = run;
	const runId = `bench-${night}`;
	const params: PipelineParams = { source: "tcgcsv", run_date: night, trigger: "cli", force: true } as PipelineParams;
	const sqlite = await openRunningRun(runId, params);
	const memory = new MemoryBucket();
	const counter = new CallCounter();
	const env = { DB: counter.database(sqlite.asD1()), ARCHIVE: counter.bucket(memory.asR2()) };

	const out: MarketMeasurement[] = [];
	const step = async <T>(name: string, fn: () => Promise<T>, note?: string): Promise<T> => {
		counter.reset();
		const before = run.requests();
		const { result, m } = await measure(name, fn);
		const fetches = run.requests() - before;
		out.push({
			...m,
			subrequests: { fetches, r2: counter.r2, d1: counter.d1, total: fetches + counter.r2 + counter.d1 },
			...(note ? { note } : {}),
		});
		return result;
	};

	let history: { days: number; cards_per_day: number; parts: number; bytes: number; seconds: number } | null = null;
	let firstSeen = new Map<string, string>();
	if (run.historyDays > 1) {
		const started = Date.now();
		let parts = 0;
		let cards = 0;
		const plain = { DB: sqlite.asD1(), ARCHIVE: memory.asR2() };
		firstSeen = new Map<string, string>();
		for (let k = run.historyDays - 1; k >= 1; k--) {
			const day = addDays(night, -k);
			const ids: string[] = [];
			const prices: number[] = [];
			for (const s of run.feed.seriesOn(day))
				if (s.marketPrice !== null && s.marketPrice > 0) {
					const id = feedCardId(s.productId, s.printing);
					ids.push(id);
					prices.push(s.marketPrice);
					if (!firstSeen.has(id)) firstSeen.set(id, day);
				}
			const written = await writeDay(plain, { date: day, source: "tcgcsv", by: "bench" }, { cards: ids, prices });
			parts += written.parts;
			cards = ids.length;
			if (k % 30 === 0) run.log(`  history: ${run.historyDays - k} of ${run.historyDays - 1} days written (${day})`);
		}
		const bytes = [...memory.objects.values()].reduce((n, o) => n + o.bytes.byteLength, 0);
		history = {
			days: run.historyDays - 1,
			cards_per_day: cards,
			parts,
			bytes,
			seconds: Math.round((Date.now() - started) / 100) / 10,
		};
	}

	const plan = await step(STEP.feedCheck, () => checkFeed(env, config, runId, night));
	const batches: FeedBatchOutput[] = [];
	for (let b = 0; b < plan.batches.length; b++)
		batches.push(await step(shardStep(STEP.feedCollect, b), () => collectFeedBatch(env, config, runId, plan, b)));
	await step(STEP.commitDay, () => commitFeedDay(env, config, runId, plan, batches));

	if (history) {
		// Each night's collection would have catalogued a card on the first night it was priced (its
		// first_seen only moves earlier): as if the nights before had run, not only this one.
		const d1 = sqlite.asD1();
		const update = d1.prepare("UPDATE catalogue SET first_seen = ?1 WHERE card_id = ?2 AND first_seen > ?1");
		await d1.batch([...firstSeen].map(([id, day]) => update.bind(day, id)));
		const shards = await step(STEP.plan, () => planShards(env, config, runId, params));
		// The largest shard by its planned rows (cards × days), the one whose inputs are biggest.
		const shard = shards.shards.reduce((a, s) => ((s.cards ?? 0) >= (a.cards ?? 0) ? s : a));
		const collected = await step(shardStep(STEP.collect, shard.index), () =>
			collectShard(env, config, runId, params, shard, { dailyRemaining: null, stopped: null }, shards.history),
		);
		const input: FeaturesInput = {
			shard: shard.index,
			raw: collected.raw,
			as_of: night,
			horizon: { days: config.HORIZON_DAYS, move: config.HORIZON_MOVE },
			min_price: config.SIGNAL_MIN_PRICE,
			sample_rate: 0.05,
			no_signal: collected.no_signal ?? [],
			drift: { recent_days: config.DRIFT_RECENT_DAYS, reference_days: config.DRIFT_REFERENCE_DAYS },
		};
		await step(
			shardStep(STEP.features, shard.index),
			async () => buildFeatureShard(env.ARCHIVE, input, await inputHash(STEP.features, input)),
			`${collected.rows.toLocaleString("en-US")} prices of ${shards.shards.length} shards' largest`,
		);
	}
	return { steps: out, history };
}
