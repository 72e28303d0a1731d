/**
 * A FeedModel over TCGCSV's daily archives: each archive's day serves its real prices files
 * byte for byte. The archives hold only prices, so the groups and products files are built
 * around them in the feed's shapes (every group and product the prices name, with placeholder
 * names saying "Archived"; no extended data, so no card numbers) and `last-updated.txt` is the
 * archive's own stamp (its files' time). A day between archives serves the last one before it,
 * as the feed does when it has not updated.
 */
import { FeedPrices, parseFeed } from "../../../src/prices/tcgcsv/shapes";
import { type ArchiveDay, readArchive } from "../tcgcsv-archive";
import { envelope } from "./bodies";
import type { FeedModel } from "./feed-model";
import { pyJson } from "./py-json";

/** The feed's time format (`2025-10-12T20:03:17`), UTC. */
const feedTime = (at: Date) => at.toISOString().slice(0, 19);

export class ArchiveFeed implements FeedModel {
	readonly days: readonly string[];
	readonly #byDay: Map<string, ArchiveDay>;
	readonly #firstSeen = new Map<string, string>();

	private constructor(days: readonly ArchiveDay[]) {
		const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : 1));
		this.#byDay = new Map(sorted.map((d) => [d.date, d]));
		this.days = sorted.map((d) => d.date);
		for (const d of sorted)
			for (const f of d.files) {
				const key = `${f.category}/${f.group}`;
				if (!this.#firstSeen.has(key)) this.#firstSeen.set(key, d.date);
			}
	}

	/** Reads the archives' prices files of `categories` (each archive once, here). */
	static async open(paths: readonly string[], categories: readonly number[]): Promise<ArchiveFeed> {
		const days: ArchiveDay[] = [];
		for (const path of paths) days.push(await readArchive(path, categories));
		return new ArchiveFeed(days);
	}

	/** The archive served on `day`: that day's, or the last one before it; null before the first. */
	#served(day: string): ArchiveDay | null {
		let out: ArchiveDay | null = null;
		for (const d of this.days) if (d <= day) out = this.#byDay.get(d) ?? null;
		return out;
	}

	#stamp(archive: ArchiveDay): Date {
		return archive.stamp ?? new Date(`${archive.date}T20:00:00Z`);
	}

	lastUpdated(day: string): string {
		const archive = this.#served(day);
		const at = archive ? this.#stamp(archive) : new Date(`${this.days[0]}T00:00:00Z`);
		return `${feedTime(at)}+0000\n`;
	}

	groups(categoryId: number, day: string): string | null {
		const archive = this.#served(day);
		if (!archive) return null;
		const files = archive.files.filter((f) => f.category === categoryId);
		if (files.length === 0) return null;
		const modified = feedTime(this.#stamp(archive));
		return envelope(
			files.map((f) =>
				pyJson({
					groupId: f.group,
					name: `Archived group ${f.group}`,
					abbreviation: null,
					isSupplemental: false,
					publishedOn: `${this.#firstSeen.get(`${categoryId}/${f.group}`)}T00:00:00`,
					modifiedOn: modified,
					categoryId,
				}),
			),
			true,
		);
	}

	#file(categoryId: number, groupId: number, day: string) {
		const archive = this.#served(day);
		const file = archive?.files.find((f) => f.category === categoryId && f.group === groupId);
		return archive && file ? { archive, file } : null;
	}

	products(categoryId: number, groupId: number, day: string): string | null {
		const found = this.#file(categoryId, groupId, day);
		if (!found) return null;
		const ids = [...new Set(parseFeed(FeedPrices, found.file.text, "archive").results.map((r) => r.productId))];
		const modified = feedTime(found.file.modified);
		return envelope(
			ids.map((productId) =>
				pyJson({
					productId,
					name: `Archived product ${productId}`,
					cleanName: `Archived product ${productId}`,
					imageUrl: null,
					categoryId,
					groupId,
					url: `https://www.tcgplayer.com/product/${productId}`,
					modifiedOn: modified,
					imageCount: 0,
					presaleInfo: { isPresale: false, releasedOn: null, note: null },
					extendedData: [],
				}),
			),
			true,
		);
	}

	prices(categoryId: number, groupId: number, day: string): string | null {
		return this.#file(categoryId, groupId, day)?.file.text ?? null;
	}
}
