/**
 * A deterministic synthetic TCGCSV feed (every name says "Synthetic" or "SYN"; nothing real):
 * the catalogue and daily prices of a seed and a size, as the exact response bodies of any day.
 * Each group's files are generated alone from the seed and the group's index, so a full-size
 * feed (~65,000 series) costs under a megabyte of layout and one group's text at a time.
 */
import { isIsoDate } from "../../../src/model/card-series";
import { addDays } from "../../../src/model/dates";
import { envelope, groupJson, priceJson } from "./bodies";
import { buildCatalogue, type Catalogue, type CategorySize, dayIndex, type GroupInfo } from "./catalogue";
import type { FeedModel } from "./feed-model";
import { groupRows, type ProductRow } from "./group-rows";
import { below, SALT } from "./random";

export type { CategorySize, GroupInfo } from "./catalogue";

/** The sizes the CLI names: full is the real Pokémon scale (650 groups, ~64,400 series). */
export const FEED_SIZES = {
	small: [
		{ id: 3, groups: 6, series: 600 },
		{ id: 85, groups: 4, series: 240 },
	],
	full: [
		{ id: 3, groups: 210, series: 42_800 },
		{ id: 85, groups: 440, series: 21_600 },
	],
} as const satisfies Record<string, readonly CategorySize[]>;

/** How a synthetic feed is made: the same options always give the same bytes. */
export type SyntheticFeedOptions = { seed?: number; categories?: readonly CategorySize[]; firstDay?: string };

/** One series (a product in one printing) as the model holds it on a day. */
export type SeriesFact = {
	categoryId: number;
	groupId: number;
	productId: number;
	printing: string;
	marketPrice: number | null;
	sealed: boolean;
};

/** A product whose name is corrected on `day`: `before` is served until the day before. */
export type Correction = {
	categoryId: number;
	groupId: number;
	productId: number;
	day: string;
	before: string;
	after: string;
};

/** The synthetic feed: a FeedModel plus what tests need to check a collection against it. */
export class SyntheticFeed implements FeedModel {
	readonly seed: number;
	readonly firstDay: string;
	readonly sizes: readonly CategorySize[];
	private readonly catalogue: Catalogue;

	constructor(options: SyntheticFeedOptions = {}) {
		this.seed = options.seed ?? 1;
		this.firstDay = options.firstDay ?? "2026-11-01";
		this.sizes = options.categories ?? FEED_SIZES.small;
		if (!Number.isSafeInteger(this.seed)) throw new RangeError(`seed must be an integer, got ${this.seed}`);
		if (!isIsoDate(this.firstDay)) throw new RangeError(`firstDay must be YYYY-MM-DD, got "${this.firstDay}"`);
		for (const c of this.sizes)
			if (!(Number.isInteger(c.id) && c.id > 0 && Number.isInteger(c.groups) && c.groups > 0 && c.series >= c.groups))
				throw new RangeError(`a category needs a positive id, groups > 0 and series >= groups: ${JSON.stringify(c)}`);
		this.catalogue = buildCatalogue(this.seed, this.sizes, this.firstDay);
	}

	/** `last-updated.txt` for `day`'s publish: 20:0m:ss UTC, minutes and seconds seeded per day. */
	lastUpdated(day: string): string {
		const t = this.day(day);
		const minute = below(10, this.seed, SALT.stamp, t, 1);
		const second = below(60, this.seed, SALT.stamp, t, 2);
		return `${day}T20:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")}+0000\n`;
	}

	/** The category's groups listed on `day`, or null for an unknown category. */
	groups(categoryId: number, day: string): string | null {
		const list = this.catalogue.byCategory.get(categoryId);
		if (!list) return null;
		this.day(day);
		const rows = list.filter((g) => g.publishedOn <= day).map((g) => groupJson(g, this.groupModifiedMs(g, day)));
		return envelope(rows, true);
	}

	/** A group's products on `day`, or null when the group is unknown or not yet published. */
	products(categoryId: number, groupId: number, day: string): string | null {
		const rows = this.rows(categoryId, groupId, day);
		return (
			rows &&
			envelope(
				rows.map((r) => r.json()),
				true,
			)
		);
	}

	/** A group's price rows (one per product and printing) on `day`, or null as for products. */
	prices(categoryId: number, groupId: number, day: string): string | null {
		const rows = this.rows(categoryId, groupId, day);
		if (!rows) return null;
		const t = this.day(day);
		const out: string[] = [];
		for (const r of rows)
			r.printings.forEach((printing, i) => {
				out.push(priceJson(r.productId, printing, r.quote(i, t)));
			});
		return envelope(out, false);
	}

	/** Every series listed on `day` with its marketPrice, group by group (one group's rows in memory at a time). */
	*seriesOn(day: string, categoryId?: number): Generator<SeriesFact> {
		const t = this.day(day);
		for (const g of this.catalogue.groups) {
			if ((categoryId !== undefined && g.categoryId !== categoryId) || g.publishedOn > day) continue;
			for (const r of groupRows(this.seed, g, this.catalogue, day)) {
				for (let i = 0; i < r.printings.length; i++)
					yield {
						categoryId: g.categoryId,
						groupId: g.groupId,
						productId: r.productId,
						printing: r.printings[i] as string,
						marketPrice: r.quote(i, t).marketPrice,
						sealed: r.sealed,
					};
			}
		}
	}

	/** The layout of every group (or one category's), published or not: ids, names, publishedOn, product counts. */
	groupList(categoryId?: number): readonly GroupInfo[] {
		return categoryId === undefined ? this.catalogue.groups : (this.catalogue.byCategory.get(categoryId) ?? []);
	}

	/** The products whose names are corrected, with the day and both names. */
	corrections(): Correction[] {
		return this.catalogue.corrections.map((c) => {
			const g = this.catalogue.groups[c.groupIndex] as GroupInfo;
			const r = groupRows(this.seed, g, this.catalogue, c.day)[c.k] as ProductRow;
			const before = groupRows(this.seed, g, this.catalogue, addDays(c.day, -1))[c.k] as ProductRow;
			return {
				categoryId: c.categoryId,
				groupId: g.groupId,
				productId: r.productId,
				day: c.day,
				before: before.name,
				after: r.name,
			};
		});
	}

	private rows(categoryId: number, groupId: number, day: string): ProductRow[] | null {
		const g = this.catalogue.byGroupId.get(groupId);
		this.day(day);
		if (!g || g.categoryId !== categoryId || g.publishedOn > day) return null;
		return groupRows(this.seed, g, this.catalogue, day);
	}

	/** A group's modifiedOn on `day`: its newest product's, corrections included. */
	private groupModifiedMs(g: GroupInfo, day: string): number {
		let ms = g.modifiedMs;
		for (const c of this.catalogue.corrections)
			if (c.groupIndex === g.index && c.day <= day) ms = Math.max(ms, c.modifiedMs);
		return ms;
	}

	private day(day: string): number {
		if (!isIsoDate(day)) throw new RangeError(`a day is YYYY-MM-DD, got "${day}"`);
		return dayIndex(this.firstDay, day);
	}
}
