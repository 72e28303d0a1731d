import { env } from "cloudflare:workers";
import sample from "../../data/sample/card_prices.csv?raw";
import type { PriceRow } from "../../src/model/card-series";
import { laterDate } from "../../src/model/dates";
import { type RuleSpec, SEED_RULE } from "../../src/model/rules";
import { type Published, publishRows } from "../../src/pipeline/publish-rows";
import { parsePriceCsv } from "../../src/prices/price-rows";

/** The seed's rule (trailing mean of 3 including the day, BUY -10%, SELL +15%): what seeded data serves with. */
export const SPEC: RuleSpec = SEED_RULE;

/** The 16 card ids of the shipped sample, in card_id order. */
export const SAMPLE_CARD_IDS = [
	"sv01-245-gardevoir-ex",
	"sv02-203-magikarp",
	"sv03-223-charizard-ex",
	"sv03pt5-199-charizard-ex",
	"sv04-199-groudon",
	"sv04pt5-232-mew-ex",
	"sv06-214-greninja-ex",
	"sv07-148-squirtle",
	"sv08-238-pikachu-ex",
	"sv08pt5-161-umbreon-ex",
	"sv09-184-lillies-clefairy-ex",
	"swsh06-201-blaziken-vmax",
	"swsh07-215-umbreon-vmax",
	"swsh08-271-gengar-vmax",
	"swsh09-154-charizard-v",
	"swsh10-172-machamp-v",
] as const;

let sampleCache: PriceRow[] | undefined;

/** The shipped sample CSV as price rows (parsed once per file). */
export function sampleRows(): PriceRow[] {
	sampleCache ??= parsePriceCsv(sample, "sample");
	return sampleCache;
}

/** `count` consecutive ISO dates from `start`. */
export function consecutiveDates(start: string, count: number): string[] {
	const first = Date.parse(`${start}T00:00:00Z`);
	return Array.from({ length: count }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Hand-made price rows for one card: one row per price, on `dates` when given, else on
 * consecutive days from `start`.
 */
export function cardRows(
	cardId: string,
	prices: readonly number[],
	options: { start?: string; dates?: readonly string[]; name?: string; set?: string } = {},
): PriceRow[] {
	const dates = options.dates ?? consecutiveDates(options.start ?? "2026-01-01", prices.length);
	if (dates.length !== prices.length) throw new Error("cardRows: one date per price");
	return prices.map((market_price, i) => ({
		card_id: cardId,
		card_name: options.name ?? `Card ${cardId}`,
		set_name: options.set ?? "Test Set",
		date: dates[i] as string,
		market_price,
		source: "test",
	}));
}

/**
 * Publishes `rows` (the shipped sample by default) as a run would, without running the
 * pipeline (src/pipeline/publish-rows.ts), with a rule model (the seed's by default): what
 * serves, and the champion unless `promote` is false.
 */
export function seedServing(
	rows: readonly PriceRow[] = sampleRows(),
	rule: RuleSpec = SPEC,
	options: { runId?: string; horizonDays?: number; promote?: boolean; source?: string } = {},
): Promise<Published> {
	const asOf = rows.reduce((max, r) => laterDate(r.date, max), "");
	return publishRows(env, rows, rule, {
		runId: options.runId ?? `seed-${asOf.replaceAll("-", "")}-${crypto.randomUUID().slice(0, 8)}`,
		source: options.source ?? "test",
		horizonDays: options.horizonDays ?? 7,
		move: 0.05,
		minPrice: 1,
		...(options.promote === false ? { promote: false } : {}),
	});
}

/** Forgets everything served and every model version and alias, as before the first run. */
export async function resetModels(): Promise<void> {
	await env.DB.batch([
		env.DB.prepare("DELETE FROM model_aliases"),
		env.DB.prepare("DELETE FROM model_versions"),
		env.DB.prepare("DELETE FROM serving_cards"),
		env.DB.prepare("DELETE FROM serving_state"),
		env.DB.prepare("DELETE FROM track_record"),
		env.DB.prepare("DELETE FROM serving_staged"),
		env.DB.prepare("DELETE FROM track_staged"),
	]);
}

/** The version the champion alias names right now, or null. */
export async function championVersion(): Promise<string | null> {
	const row = await env.DB.prepare("SELECT version FROM model_aliases WHERE alias = 'champion'").first<{
		version: string;
	}>();
	return row?.version ?? null;
}

/**
 * One sample card's dates and prices, read straight from the CSV text with a plain split (the
 * sample has no quoted fields), so expectations do not depend on the parser under test.
 */
export function sampleSeries(cardId: string): { dates: string[]; prices: number[] } {
	const points = sample
		.trim()
		.split(/\r?\n/)
		.slice(1)
		.map((line) => line.split(","))
		.filter((fields) => fields[0] === cardId)
		.map((fields) => ({ date: fields[3] as string, price: Number(fields[4]) }))
		.sort((a, b) => (a.date < b.date ? -1 : 1));
	return { dates: points.map((p) => p.date), prices: points.map((p) => p.price) };
}

/** Reference fair value: the plain mean of the last three observed prices up to `index`. */
export function referenceFair(prices: readonly number[], index: number): number {
	const window = prices.slice(Math.max(0, index - 2), index + 1);
	return window.reduce((a, b) => a + b, 0) / window.length;
}
