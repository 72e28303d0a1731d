import { env } from "cloudflare:workers";
import sample from "../../data/sample/card_prices.csv?raw";
import { parsePriceCsv } from "../../src/lib/csv";
import type { PriceRow } from "../../src/model/card-series";
import type { ModelSpec } from "../../src/model/fair-value";
import { type PublishResult, publishModel } from "../../src/pipeline/publish-model";

/** The production model spec (wrangler.toml vars): a 3-observation trailing mean, BUY -10%, SELL +15%. */
export const SPEC: Extract<ModelSpec, { estimator: "trailing_mean" }> = {
	estimator: "trailing_mean",
	window: 3,
	buy_threshold: 0.1,
	sell_threshold: 0.15,
};

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

/** Publishes and promotes a model from `rows` (the shipped sample by default). */
export function seedModel(
	rows: readonly PriceRow[] = sampleRows(),
	spec: ModelSpec = SPEC,
	options: { promote?: boolean; source?: string } = {},
): Promise<PublishResult> {
	return publishModel(env, rows, { spec, source: options.source ?? "test", promote: options.promote });
}

/** Forgets every model version, alias and catalogue row, as before the first build. */
export async function resetModels(): Promise<void> {
	await env.DB.batch([
		env.DB.prepare("DELETE FROM model_aliases"),
		env.DB.prepare("DELETE FROM model_cards"),
		env.DB.prepare("DELETE FROM model_versions"),
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
