/**
 * Step "publish #n": the serving model applied to one shard's cards, every day of their history.
 * Writes the shard's served histories (`serving/run=<id>/part-NNNN.ndjson`, one JSON line per
 * card, read later by byte range), stages each card's latest answer and tonight's track record
 * (the run's finalize step publishes them in one transaction), and fills in the outcomes of
 * earlier records that the shard's prices now show.
 * Runs whatever the gate decided: data refresh is never hostage to the model. A card is only
 * replaced by an answer about a later day (or the same day from a run dated the same or later).
 */
import { runBatched } from "../../db/batch";
import { type StagedCard, stageServingCards } from "../../db/serving";
import { openRecords, resolveRecords, stageTrackRecords, type TrackRecord } from "../../db/track-record";
import { type AnsweringModel, answerDays, changeOver, deviationOf, withoutSignals } from "../../model/answers";
import { evidenceAt } from "../../model/card-features";
import { addDays } from "../../model/dates";
import { FEATURES, joinMarket, rowFeatures } from "../../model/feature-table";
import { firstPassage } from "../../model/first-passage";
import type { Forecaster } from "../../model/forecaster";
import { readMarketTable } from "../../model/market";
import type { RuleSpec } from "../../model/rules";
import { pipelineKeys } from "../artifact-keys";
import { getBytes, getJson, type ObjectRef, putObject } from "../storage";
import { readTable } from "../tables";

/** The model a run publishes with. */
export type ModelRef =
	| { version: string; kind: "learned"; artifact_key: string }
	| { version: string; kind: "rule"; rule: RuleSpec };

/** Answers about days this many days before the data's as-of date are still recorded (3-day price buckets). */
export const RECORD_WINDOW_DAYS = 3;

/** What a publish step needs. */
export type PublishInput = {
	shard: number;
	features: ObjectRef;
	market: ObjectRef;
	model: ModelRef;
	run_id: string;
	run_date: string;
	as_of: string;
	horizon: { days: number; move: number };
	min_price: number;
	/** Cards answered HOLD whatever the model says (sealed products while SIGNAL_SEALED is false). */
	no_signal?: string[];
};

/** The days a served card's `change_7d` looks back over. */
export const CHANGE_DAYS = 7;

/** What it did. */
export type PublishOutput = {
	shard: number;
	serving: ObjectRef | null;
	cards: number;
	rows: number;
	recorded: number;
	resolved: number;
	buy: number;
	sell: number;
};

/** The model a reference names, ready to answer. */
async function answering(bucket: R2Bucket, ref: ModelRef): Promise<AnsweringModel> {
	if (ref.kind === "rule") return { kind: "rule", rule: ref.rule };
	return { kind: "learned", model: await getJson<Forecaster>(bucket, ref.artifact_key) };
}

/** Publishes one shard. */
export async function publishShard(
	env: { DB: D1Database; ARCHIVE: R2Bucket },
	input: PublishInput,
): Promise<PublishOutput> {
	const { table, card_name } = await readTable(await getBytes(env.ARCHIVE, input.features.key), { names: true });
	const model = await answering(env.ARCHIVE, input.model);
	if (model.kind === "learned") joinMarket(table, readMarketTable(await getBytes(env.ARCHIVE, input.market.key)));
	const context = { min_price: input.min_price, move: input.horizon.move, horizon_days: input.horizon.days };
	const encoder = new TextEncoder();
	const lines: Uint8Array[] = [];
	const served: StagedCard[] = [];
	const records: TrackRecord[] = [];
	const series = new Map<string, { dates: string[]; prices: number[] }>();
	const recordFrom = addDays(input.as_of, -RECORD_WINDOW_DAYS);
	const key = pipelineKeys.serving(input.run_id, input.shard);
	const now = new Date().toISOString();
	let offset = 0;
	let buy = 0;
	let sell = 0;
	const x = new Float32Array(FEATURES.length);
	const noSignal = new Set(input.no_signal ?? []);
	for (let start = 0; start < table.date.length; ) {
		const cardId = table.card_id[start] as string;
		let end = start;
		while (end < table.date.length && table.card_id[end] === cardId) end++;
		const dates = table.date.slice(start, end);
		const prices = Array.from(table.price.subarray(start, end));
		series.set(cardId, { dates, prices });
		const modelled = answerDays(model, prices, (j) => rowFeatures(table, start + j, x), context);
		const answers = noSignal.has(cardId) ? withoutSignals(modelled, context) : modelled;
		const last = answers.length - 1;
		const latest = answers[last] as (typeof answers)[number];
		const line = encoder.encode(
			`${JSON.stringify({
				card_id: cardId,
				name: card_name?.[start] ?? cardId,
				set: table.set_name[start],
				model_version: input.model.version,
				min_price: input.min_price,
				horizon_days: input.horizon.days,
				move: input.horizon.move,
				dates,
				prices,
				fair: answers.map((a) => a.fair),
				p_up: model.kind === "learned" ? answers.map((a) => a.p_up) : null,
				p_down: model.kind === "learned" ? answers.map((a) => a.p_down) : null,
				codes: answers.map((a) => a.code).join(""),
			})}\n`,
		);
		lines.push(line);
		const price = prices[last] as number;
		const deviation = deviationOf(price, latest.fair);
		const evidence = evidenceAt(dates, prices, last);
		if (latest.signal === "BUY") buy++;
		if (latest.signal === "SELL") sell++;
		served.push({
			card_id: cardId,
			name: card_name?.[start] ?? cardId,
			set_name: table.set_name[start] as string,
			latest_date: dates[last] as string,
			market_price: price,
			fair_price: latest.fair,
			deviation_pct: deviation,
			change_7d: changeOver(dates, prices, CHANGE_DAYS),
			signal: latest.signal,
			p_up: latest.p_up,
			p_down: latest.p_down,
			strength:
				latest.signal === "HOLD"
					? 0
					: model.kind === "learned"
						? ((latest.signal === "BUY" ? latest.p_up : latest.p_down) ?? 0)
						: Math.abs(deviation ?? 0),
			reason: latest.reason,
			observations: evidence.observations,
			days_since_change: evidence.days_since_change,
			model_version: input.model.version,
			run_id: input.run_id,
			run_date: input.run_date,
			object_key: key,
			byte_offset: offset,
			byte_length: line.byteLength,
			updated_at: now,
		});
		offset += line.byteLength;
		if ((dates[last] as string) >= recordFrom)
			records.push({
				run_date: input.run_date,
				card_id: cardId,
				date: dates[last] as string,
				market_price: price,
				fair_price: latest.fair,
				signal: latest.signal,
				p_up: latest.p_up,
				p_down: latest.p_down,
				model_version: input.model.version,
				run_id: input.run_id,
				horizon_days: input.horizon.days,
				move: input.horizon.move,
				outcome: null,
				outcome_date: null,
			});
		start = end;
	}
	let servingRef: ObjectRef | null = null;
	if (lines.length > 0) {
		const body = new Uint8Array(offset);
		let at = 0;
		for (const l of lines) {
			body.set(l, at);
			at += l.byteLength;
		}
		servingRef = await putObject(env.ARCHIVE, key, body, "application/x-ndjson");
	}
	const resolved = await resolvable(env.DB, table.card_id[0], table.card_id.at(-1), series, input.as_of);
	await runBatched(env.DB, [
		...stageServingCards(env.DB, served),
		...stageTrackRecords(env.DB, records),
		...resolveRecords(env.DB, resolved),
	]);
	return {
		shard: input.shard,
		serving: servingRef,
		cards: served.length,
		rows: table.date.length,
		recorded: records.length,
		resolved: resolved.length,
		buy,
		sell,
	};
}

/** Outcomes of earlier records of the shard's cards that its prices (as of `asOf`) now show. */
async function resolvable(
	db: D1Database,
	first: string | undefined,
	last: string | undefined,
	series: Map<string, { dates: string[]; prices: number[] }>,
	asOf: string,
) {
	if (first === undefined || last === undefined) return [];
	const open = await openRecords(db, { first, last }, asOf);
	const out: { run_date: string; card_id: string; outcome: "up" | "down" | "none"; outcome_date: string }[] = [];
	for (const r of open) {
		const s = series.get(r.card_id);
		if (!s) continue;
		const index = s.dates.indexOf(r.date);
		if (index < 0) continue;
		// A record is judged from the price it was published at, even if a later file revised that day.
		const prices =
			s.prices[index] === r.market_price ? s.prices : s.prices.map((p, k) => (k === index ? r.market_price : p));
		const passage = firstPassage(s.dates, prices, index, { days: r.horizon_days, move: r.move }, asOf);
		if (passage)
			out.push({ run_date: r.run_date, card_id: r.card_id, outcome: passage.outcome, outcome_date: passage.date });
	}
	return out;
}
