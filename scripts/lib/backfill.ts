/**
 * Backfilling the price history from TCGCSV's daily archives: each archive's prices files (the
 * categories asked for) become that day's series exactly as the nightly collection reads them
 * (`FeedDay`: one price per product and printing with a market price, categories in order, groups
 * by id), written as a price CSV of source `tcgcsv`, imported through the API and merged into
 * the history by a seed. One import and one seed per archive, oldest first, so any number of
 * years goes in a day at a time and a day already backfilled is recognised and skipped.
 */
import { mkdtemp, open, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { feedCardId } from "../../src/prices/tcgcsv/cards";
import { FeedDay } from "../../src/prices/tcgcsv/day-prices";
import { FeedPrices, parseFeed } from "../../src/prices/tcgcsv/shapes";
import { type Api, UsageError } from "./api-client";
import { importFile } from "./import-file";
import { followSeed, type SeedView, startSeed } from "./seed-client";
import { type ArchiveDay, ArchiveError, archiveDateOf, readArchive } from "./tcgcsv-archive";

/** The categories backfilled unless told: TCGCSV_CATEGORIES' default (English and Japanese Pokémon). */
export const DEFAULT_CATEGORIES = [3, 85] as const;

/** `3,85` or `3:en,85:ja` (the TCGCSV_CATEGORIES form) → [3, 85]. */
export function parseCategoryList(text: string): number[] {
	const ids = text.split(",").map((item) => item.trim().split(":")[0] as string);
	if (ids.some((id) => !/^[1-9]\d{0,8}$/.test(id)))
		throw new UsageError(`--categories must be category ids separated by commas (3,85), got "${text}"`);
	const out = ids.map(Number);
	if (new Set(out).size !== out.length) throw new UsageError(`--categories names a category twice: "${text}"`);
	return out;
}

/** A day's series as the import's rows, and what was left out. */
export type ArchiveRows = {
	date: string;
	groups: number;
	csv: string;
	rows: number;
	nulls: number;
	zeros: number;
	repeats: number;
};

const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/**
 * The price CSV of one archive day, card by card in id order. Names are placeholders (the
 * archives hold only prices): `TCGplayer product <id> (<printing>)` in `TCGplayer group <id>`;
 * the catalogue keeps the feed's own names for products it knows and takes them for the others
 * the first night the feed lists them.
 */
export function archiveRows(day: ArchiveDay): ArchiveRows {
	const feedDay = new FeedDay();
	const names = new Map<string, { name: string; set: string }>();
	for (const file of day.files) {
		const what = `${day.path}: ${day.date}/${file.category}/${file.group}/prices`;
		feedDay.add(file.text, what);
		for (const r of parseFeed(FeedPrices, file.text, what).results) {
			const id = feedCardId(r.productId, r.subTypeName);
			if (!names.has(id))
				names.set(id, {
					name: `TCGplayer product ${r.productId} (${r.subTypeName})`,
					set: `TCGplayer group ${file.group}`,
				});
		}
	}
	const { cards, prices, nulls, zeros, repeats } = feedDay.day;
	const order = cards.map((_, i) => i).sort((a, b) => ((cards[a] as string) < (cards[b] as string) ? -1 : 1));
	const lines = ["card_id,card_name,set_name,date,market_price,source"];
	for (const i of order) {
		const id = cards[i] as string;
		const n = names.get(id) as { name: string; set: string };
		lines.push(`${id},${quote(n.name)},${quote(n.set)},${day.date},${prices[i]},tcgcsv`);
	}
	return {
		date: day.date,
		groups: day.files.length,
		csv: `${lines.join("\n")}\n`,
		rows: cards.length,
		nulls,
		zeros,
		repeats,
	};
}

const SEVEN_ZIP_SIGNATURE = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);

/** Whether a file starts as a 7-Zip archive does (read before any Worker is started). */
async function looksLikeSevenZip(path: string): Promise<boolean> {
	const file = await open(path, "r");
	try {
		const head = Buffer.alloc(SEVEN_ZIP_SIGNATURE.length);
		const { bytesRead } = await file.read(head, 0, head.length, 0);
		return bytesRead === head.length && head.equals(SEVEN_ZIP_SIGNATURE);
	} finally {
		await file.close();
	}
}

/**
 * The archives named: files as given, and every `prices-YYYY-MM-DD.ppmd.7z` in a directory; by
 * day, oldest first. Each must be named for its day and start as a 7-Zip archive.
 */
export async function archivePaths(paths: readonly string[]): Promise<string[]> {
	if (paths.length === 0)
		throw new UsageError("name at least one archive (prices-YYYY-MM-DD.ppmd.7z) or a directory of them");
	const out: string[] = [];
	for (const path of paths) {
		const info = await stat(path).catch(() => null);
		if (!info) throw new UsageError(`${path}: no such file or directory`);
		if (info.isDirectory()) {
			const found = (await readdir(path)).filter((f) => /^prices-\d{4}-\d{2}-\d{2}\.ppmd\.7z$/.test(f)).sort();
			if (found.length === 0) throw new UsageError(`${path}: no prices-YYYY-MM-DD.ppmd.7z in this directory`);
			out.push(...found.map((f) => join(path, f)));
		} else {
			try {
				archiveDateOf(path);
			} catch (error) {
				throw new UsageError((error as Error).message);
			}
			out.push(path);
		}
	}
	const byDay = new Map<string, string>();
	for (const path of out) {
		const day = archiveDateOf(path);
		const other = byDay.get(day);
		if (other !== undefined && other !== path) throw new UsageError(`two archives of ${day}: ${other} and ${path}`);
		byDay.set(day, path);
	}
	const sorted = [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, path]) => path);
	for (const path of sorted) if (!(await looksLikeSevenZip(path))) throw new UsageError(`${path}: not a 7-Zip archive`);
	return sorted;
}

/** What backfilling one archive did. */
export type BackfillDay = { date: string; rows: number; seed: SeedView; reused: boolean };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Backfills the archives through the API, oldest first; stops at the first seed that fails.
 * `force` seeds a day again even when its import was seeded before.
 */
export async function backfill(
	api: Api,
	paths: readonly string[],
	options: { categories: readonly number[]; force?: boolean; log?: (line: string) => void },
): Promise<BackfillDay[]> {
	const log = options.log ?? console.log;
	const archives = await archivePaths(paths);
	const dir = await mkdtemp(join(tmpdir(), "pokewatch-backfill-"));
	const done: BackfillDay[] = [];
	try {
		for (const [k, path] of archives.entries()) {
			const started = Date.now();
			let day: ArchiveDay;
			try {
				day = await readArchive(path, options.categories);
			} catch (error) {
				if (error instanceof ArchiveError) throw new UsageError(error.message);
				throw error;
			}
			const rows = archiveRows(day);
			const left = [
				rows.nulls ? `${rows.nulls} null` : "",
				rows.zeros ? `${rows.zeros} zero` : "",
				rows.repeats ? `${rows.repeats} listed twice` : "",
			].filter(Boolean);
			log(
				`[${k + 1}/${archives.length}] ${day.date}: ${rows.groups} groups, ${rows.rows} prices${left.length ? ` (left out: ${left.join(", ")})` : ""} from ${path} (${mb(day.bytes)})` +
					(day.missing.length
						? `; no file of categor${day.missing.length === 1 ? "y" : "ies"} ${day.missing.join(", ")}`
						: ""),
			);
			if (rows.rows === 0) {
				log("  no market price in it: nothing to import.");
				continue;
			}
			const csv = join(dir, `tcgcsv-${day.date}.csv`);
			await writeFile(csv, rows.csv);
			const source = await importFile(api, csv, (line) => log(`  ${line.trimStart()}`));
			await rm(csv, { force: true });
			const { seed, reused } = await startSeed(api, source.slice("file:".length), options.force ?? false);
			if (reused) log(`  ${day.date} was backfilled before (${seed.id}, ${seed.status}); --force merges it again.`);
			const settled = seed.status === "complete" || seed.status === "failed";
			const finished = reused && settled ? seed : await followSeed(api, seed.id, log);
			if (finished.status === "complete" && !reused)
				log(`  merged into the history in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			if (finished.status === "failed") log(`  the seed failed: ${finished.error ?? "no reason recorded"}`);
			done.push({ date: day.date, rows: rows.rows, seed: finished, reused });
			if (finished.status === "failed") break;
		}
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	return done;
}
