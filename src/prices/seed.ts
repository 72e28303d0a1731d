/**
 * Seeding the price history from an import (`npm run history -- import`, `npm run backfill`):
 * plain step functions for the HistorySeed Workflow. An import's chunks hold whole cards over
 * many days; each group of chunks is staged as one fragment per day and source, then each day
 * and source is merged into the history (a card's day already there takes the import's price),
 * so an import of any size is moved a bounded piece at a time. Seeding the same prices again
 * changes nothing. The catalogue learns the import's cards (without renaming cards it knows).
 */
import { runBatched } from "../db/batch";
import { type CatalogueRow, upsertCatalogue } from "../db/catalogue";
import { markSeed } from "../db/seeds";
import { readColumns, writeColumns } from "../lib/parquet";
import { mergeDay } from "./history/day-store";
import { historySource } from "./history/layout";
import type { ChunkInfo, ImportManifest } from "./imports";
import { priceKeys } from "./keys";
import { parsePriceCsv } from "./price-rows";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** A day and source of the import, as `date|source`. */
type DayKey = string;

/** What staging a group of chunks wrote. */
export type StagedGroup = { group: number; days: DayKey[]; rows: number; cards: number };

/** The plan: groups of whole chunks of at most `maxRows` rows. */
export type SeedPlan = { groups: string[][]; rows: number; cards: number; date_from: string; date_to: string };

const fragmentKey = (seedId: string, day: DayKey, group: number) => {
	const [date, source] = day.split("|");
	return `history/seeds/${seedId}/date=${date}/source=${source}/frag-${String(group).padStart(4, "0")}.parquet`;
};

/** Reads the import's manifest and cuts its chunks into groups; marks the seed running. */
export async function planSeed(env: Env, seedId: string, importId: string, maxRows: number): Promise<SeedPlan> {
	const object = await env.ARCHIVE.get(priceKeys.manifest(importId));
	if (!object) throw new Error(`no import ${importId}`);
	const manifest = (await object.json()) as ImportManifest;
	const groups: string[][] = [];
	let group: ChunkInfo[] = [];
	let rows = 0;
	for (const chunk of manifest.chunks) {
		if (group.length > 0 && rows + chunk.rows > maxRows) {
			groups.push(group.map((c) => c.sha256));
			group = [];
			rows = 0;
		}
		group.push(chunk);
		rows += chunk.rows;
	}
	if (group.length > 0) groups.push(group.map((c) => c.sha256));
	await markSeed(env.DB, seedId, { status: "running" }).run();
	return {
		groups,
		rows: manifest.rows,
		cards: manifest.cards,
		date_from: manifest.date_from,
		date_to: manifest.date_to,
	};
}

/** Stages one group of chunks: a fragment per day and source (cards in order), and the cards in the catalogue. */
export async function stageSeedGroup(
	env: Env,
	seedId: string,
	group: number,
	chunks: readonly string[],
): Promise<StagedGroup> {
	const byDay = new Map<DayKey, { cards: string[]; prices: number[] }>();
	const cards = new Map<string, CatalogueRow>();
	let rows = 0;
	for (const sha256 of chunks) {
		const object = await env.ARCHIVE.get(priceKeys.chunk(sha256));
		if (!object) throw new Error(`the import lost its chunk ${sha256}`);
		for (const r of parsePriceCsv(await object.text(), "upload")) {
			const source = historySource(r.source);
			const key = `${r.date}|${source}`;
			const day = byDay.get(key) ?? { cards: [], prices: [] };
			day.cards.push(r.card_id);
			day.prices.push(r.market_price);
			byDay.set(key, day);
			rows++;
			const known = cards.get(r.card_id);
			if (!known || r.date < known.first_seen)
				cards.set(r.card_id, {
					card_id: r.card_id,
					source,
					product_id: null,
					printing: null,
					slug: null,
					name: r.card_name,
					set_name: r.set_name,
					set_code: null,
					number: null,
					rarity: null,
					language: null,
					kind: "card",
					url: null,
					first_seen: r.date,
				});
		}
	}
	for (const [key, day] of byDay)
		await env.ARCHIVE.put(
			fragmentKey(seedId, key, group),
			writeColumns([
				{ name: "card_id", type: "STRING", data: day.cards },
				{ name: "market_price", type: "DOUBLE", data: Float64Array.from(day.prices) },
			]),
		);
	await runBatched(env.DB, upsertCatalogue(env.DB, [...cards.values()], new Date().toISOString(), { describe: false }));
	return { group, days: [...byDay.keys()].sort(), rows, cards: cards.size };
}

/** Every day and source the staged groups hold, in order, with the groups that hold each. */
export function seedDays(staged: readonly StagedGroup[]): { day: DayKey; groups: number[] }[] {
	const out = new Map<DayKey, number[]>();
	for (const s of staged) for (const d of s.days) out.set(d, [...(out.get(d) ?? []), s.group]);
	return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, groups]) => ({ day, groups }));
}

/** Merges one day and source of the import into the history. */
export async function commitSeedDay(env: Env, seedId: string, day: DayKey, groups: readonly number[]) {
	const cards: string[] = [];
	const prices: number[] = [];
	for (const g of groups) {
		const object = await env.ARCHIVE.get(fragmentKey(seedId, day, g));
		if (!object) throw new Error(`seed ${seedId} lost its fragment ${fragmentKey(seedId, day, g)}`);
		const c = await readColumns(await object.arrayBuffer());
		cards.push(...((c.card_id ?? []) as string[]));
		prices.push(...((c.market_price ?? []) as number[]));
	}
	const [date, source] = day.split("|") as [string, string];
	const written = await mergeDay(env, { date, source, by: seedId }, { cards, prices });
	return { date, source, version: written.version, changed: written.changed, rows: written.rows };
}

/** Marks the seed complete and deletes its fragments (only this seed reads them). */
export async function finishSeed(env: Env, seedId: string, daysWritten: number): Promise<{ days_written: number }> {
	const prefix = `history/seeds/${seedId}/`;
	let listed = await env.ARCHIVE.list({ prefix });
	while (listed.objects.length > 0) {
		await env.ARCHIVE.delete(listed.objects.map((o) => o.key));
		if (!listed.truncated) break;
		listed = await env.ARCHIVE.list({ prefix, cursor: listed.cursor });
	}
	await markSeed(env.DB, seedId, { status: "complete", days_written: daysWritten }).run();
	return { days_written: daysWritten };
}
