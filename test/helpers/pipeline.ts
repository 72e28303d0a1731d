import { introspectWorkflowInstance, type WorkflowInstanceIntrospector } from "cloudflare:test";
import { env } from "cloudflare:workers";
import sample from "../../data/sample/card_prices.csv?raw";
import type { PriceRow } from "../../src/model/card-series";
import type { PipelineInput } from "../../src/pipeline/params";
import { api } from "./api";
import { consecutiveDates, resetModels } from "./model";

/** Generous bounds for the local Workflow engine; nothing asserts on speed. */
export const RUN_TIMEOUT = 90_000;

const HEADER = "card_id,card_name,set_name,date,market_price,source";

/** Price rows as a CSV file. */
export const toCsv = (rows: readonly PriceRow[]) =>
	[HEADER, ...rows.map((r) => [r.card_id, r.card_name, r.set_name, r.date, r.market_price, r.source].join(","))].join(
		"\n",
	);

/**
 * Hand-made prices that oscillate around `base` (±amplitude, a period of `period` days), so the
 * estimators make signals and prices move by 5% within a fortnight: enough to pass the gate.
 */
export function oscillatingRows(
	cardId: string,
	options: { base?: number; amplitude?: number; period?: number; days?: number; start?: string; phase?: number } = {},
): PriceRow[] {
	const { base = 100, amplitude = 0.1, period = 20, days = 90, start = "2026-03-01", phase = 0 } = options;
	return consecutiveDates(start, days).map((date, t) => ({
		card_id: cardId,
		card_name: `Card ${cardId}`,
		set_name: "Pipeline Set",
		date,
		market_price: Math.round(base * (1 + amplitude * Math.sin((2 * Math.PI * t) / period + phase)) * 100) / 100,
		source: "test",
	}));
}

/** Deterministic uniforms in [0, 1) (mulberry32). */
function uniforms(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 15), z | 1);
		z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
		return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A market the learned model can learn: `cards` cards in four sets over `days` days, each
 * trending up or down by 2% a day (with up to 1% of noise) and turning every 20, 25 or 30 days,
 * so a 5% move within a week mostly goes the way the last days went. Deterministic per seed.
 */
export function momentumRows(
	options: { cards?: number; days?: number; start?: string; seed?: number; prefix?: string } = {},
): PriceRow[] {
	const { cards = 24, days = 120, start = "2026-01-01", seed = 7, prefix = "mom" } = options;
	const u = uniforms(seed);
	const dates = consecutiveDates(start, days);
	const rows: PriceRow[] = [];
	for (let k = 0; k < cards; k++) {
		const period = 20 + (k % 3) * 5;
		let lp = Math.log(20 + k);
		dates.forEach((date, d) => {
			const sign = Math.floor((d + k * 7) / period) % 2 === 0 ? 1 : -1;
			lp += sign * 0.02 + (u() - 0.5) * 0.02;
			rows.push({
				card_id: `${prefix}-${String(k).padStart(2, "0")}`,
				card_name: `Momentum ${k}`,
				set_name: `Set ${k % 4}`,
				date,
				market_price: Math.round(Math.exp(lp) * 100) / 100,
				source: "test",
			});
		});
	}
	return rows;
}

/** Prices that jump at random (a seeded hash) between 10 and 50 every day: no estimator comes within 15%. */
export function noisyRows(cardId: string, days = 90, start = "2026-03-01"): PriceRow[] {
	return consecutiveDates(start, days).map((date, t) => {
		const x = Math.sin((t + 1) * 12.9898) * 43_758.5453;
		return {
			card_id: cardId,
			card_name: `Card ${cardId}`,
			set_name: "Pipeline Set",
			date,
			market_price: Math.round((10 + 40 * (x - Math.floor(x))) * 100) / 100,
			source: "test",
		};
	});
}

/** Uploads a CSV through the admin route and returns the run source naming it. */
export async function uploadCsv(text: string): Promise<string> {
	const res = await api("/v1/admin/imports", { method: "POST", headers: { "content-type": "text/csv" }, body: text });
	const body = (await res.json()) as { source?: string };
	if (!res.ok || !body.source) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
	return body.source;
}

/** Stores the shipped sample through the admin route, as `npm start` does. */
export async function uploadSample(): Promise<void> {
	const res = await api("/v1/admin/sample", { method: "PUT", headers: { "content-type": "text/csv" }, body: sample });
	if (!res.ok) throw new Error(`sample upload failed: ${res.status} ${await res.text()}`);
}

/**
 * Runs the pipeline Workflow to its end (retry delays off) and returns its output or error with
 * the introspector; dispose it with `await using`.
 */
export async function runToEnd(
	id: string,
	params: PipelineInput,
	options: {
		expect?: "complete" | "errored";
		modify?: Parameters<WorkflowInstanceIntrospector["modify"]>[0];
	} = {},
) {
	const instance = await introspectWorkflowInstance(env.PIPELINE, id);
	try {
		await instance.modify(async (m) => {
			await m.disableRetryDelays();
			await options.modify?.(m);
		});
		await env.PIPELINE.create({ id, params });
		await instance.waitForStatus(options.expect ?? "complete");
		return {
			output: options.expect === "errored" ? null : await instance.getOutput(),
			error: options.expect === "errored" ? await instance.getError() : null,
			instance,
			[Symbol.asyncDispose]: () => instance.dispose(),
		};
	} catch (error) {
		await instance.dispose();
		throw error;
	}
}

/** Forgets every run, model, alias and pipeline object, as before the first run. */
export async function resetPipeline(): Promise<void> {
	await env.DB.batch(
		[
			"pipeline_steps",
			"run_params",
			"run_metrics",
			"run_artifacts",
			"collect_outcomes",
			"alias_events",
			"pipeline_runs",
			"history_days",
			"history_parts",
			"history_seeds",
			"catalogue",
			"feed_groups",
			"feed_products",
			"feed_outcomes",
			"feed_requests",
		].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
	);
	await resetModels();
	for (const prefix of [
		"raw/",
		"features/",
		"train/",
		"evaluations/",
		"models/",
		"serving/",
		"seed/",
		"test/",
		"history/",
		"feeds/",
	]) {
		let listed = await env.ARCHIVE.list({ prefix });
		while (listed.objects.length > 0) {
			await env.ARCHIVE.delete(listed.objects.map((o) => o.key));
			if (!listed.truncated) break;
			listed = await env.ARCHIVE.list({ prefix, cursor: listed.cursor });
		}
	}
}

/** Every object key under a prefix, with its etag. */
export async function objectsUnder(prefix: string): Promise<[string, string][]> {
	const out: [string, string][] = [];
	let cursor: string | undefined;
	do {
		const listed = await env.ARCHIVE.list({ prefix, ...(cursor ? { cursor } : {}) });
		out.push(...listed.objects.map((o) => [o.key, o.etag] as [string, string]));
		cursor = listed.truncated ? listed.cursor : undefined;
	} while (cursor);
	return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Rows of a D1 table. */
export const count = async (table: string, where = "1 = 1", ...binds: unknown[]) =>
	(
		await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
			.bind(...binds)
			.first<{ n: number }>()
	)?.n ?? 0;
