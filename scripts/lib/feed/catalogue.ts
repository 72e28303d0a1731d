/**
 * The synthetic feed's layout: its groups (sets) per category, each with its ids, name, dates
 * and product count, and the few name corrections. Built once per feed from the seed and the
 * size, in under 100 ms and under a megabyte at full size: no product text, no prices.
 */
import { addDays, daysBetween } from "../../../src/model/dates";
import { skeleton } from "./cards";
import { below, gauss, hash, pick, SALT, unit } from "./random";

/** One category's size: its groups and its product × printing rows (series). */
export type CategorySize = {
	id: number;
	groups: number;
	series: number;
	/** The share of rows with a null marketPrice (default: a third for category 85, else 0.12). */
	nullShare?: number;
};

/** One group as the model lays it out. */
export type GroupInfo = {
	/** Position in the whole catalogue (0-based): every draw for the group is keyed by it. */
	index: number;
	categoryId: number;
	groupId: number;
	name: string;
	abbreviation: string;
	isSupplemental: boolean;
	/** A vintage set: its printings are 1st Edition / Unlimited rather than Normal / Holofoil. */
	vintage: boolean;
	/** The day (YYYY-MM-DD) it is published: listed, with products and prices, from then on. */
	publishedOn: string;
	productCount: number;
	cardCount: number;
	sealedOffset: number;
	/** Index of the first of its product id slots across the catalogue. */
	slotStart: number;
	/** Its newest product's modifiedOn before any correction (epoch ms, whole centiseconds). */
	modifiedMs: number;
	newestK: number;
};

/** A product whose name is corrected on `day` (its id stays). */
export type CorrectionSlot = { categoryId: number; groupIndex: number; k: number; day: string; modifiedMs: number };

/** The built layout. */
export type Catalogue = {
	groups: readonly GroupInfo[];
	byCategory: ReadonlyMap<number, readonly GroupInfo[]>;
	byGroupId: ReadonlyMap<number, GroupInfo>;
	corrections: readonly CorrectionSlot[];
	nullShare: ReadonlyMap<number, number>;
};

/** Group ids start here and product ids here, clear of the real feed's ids (groups ~24,000, products ~700,000). */
export const GROUP_ID_BASE = 90_001;
export const PRODUCT_ID_BASE = 9_000_000;
const OLDEST = "1999-01-09";

const ADJECTIVES =
	"Crimson Azure Silver Obsidian Paldean Lost Brilliant Evolving Fusion Astral Shining Hidden Primal Ancient Radiant Stellar Temporal Twilight Surging Paradox Vivid Rebel Cosmic Burning Unified Phantom".split(
		" ",
	);
const NOUNS =
	"Tempest Origins Flames Storm Legends Eclipse Skies Forces Fates Stars Crown Rift Spark Destiny Chaos Masks Tides Horizons Dreams Rising Guardians Battles Treasures Wilds Roads Embers".split(
		" ",
	);

/** The product id of slot `slot` (ids step by 4 with a seeded gap, so consumers never assume them dense). */
export const productIdOf = (seed: number, slot: number) =>
	PRODUCT_ID_BASE + slot * 4 + below(4, seed, SALT.product, slot);

/** The catalogue's layout for this seed and size, as of `firstDay` and after. */
export function buildCatalogue(seed: number, sizes: readonly CategorySize[], firstDay: string): Catalogue {
	const groups: GroupInfo[] = [];
	const byCategory = new Map<number, GroupInfo[]>();
	const nullShare = new Map<number, number>();
	let slot = 0;
	const firstMs = Date.parse(`${firstDay}T00:00:00Z`);
	const span = daysBetween(OLDEST, addDays(firstDay, -21));
	for (const size of sizes) {
		if (byCategory.has(size.id)) throw new RangeError(`category ${size.id} is listed twice`);
		nullShare.set(size.id, size.nullShare ?? (size.id === 85 ? 1 / 3 : 0.12));
		const list: GroupInfo[] = [];
		byCategory.set(size.id, list);
		const first = groups.length;
		const weights = Array.from({ length: size.groups }, (_, i) =>
			Math.exp(0.6 * gauss(seed, SALT.groupSize, first + i)),
		);
		const total = weights.reduce((a, b) => a + b, 0);
		const vintage = Math.max(1, Math.round(size.groups * 0.05));
		const fresh = Math.max(1, Math.round(size.groups * 0.01));
		for (let i = 0; i < size.groups; i++) {
			const index = first + i;
			const isNew = i >= size.groups - fresh;
			const old = size.groups - fresh;
			const publishedOn = isNew
				? addDays(firstDay, 2 + 3 * (i - old))
				: addDays(OLDEST, Math.floor((span * (i + unit(seed, SALT.group, index, 1))) / Math.max(1, old)));
			const publishedMs = Date.parse(`${publishedOn}T00:00:00Z`);
			const modifiedMs = isNew
				? publishedMs - Math.floor((1 + 4 * unit(seed, SALT.modified, index, 0)) * 8_640_000) * 10
				: Math.max(publishedMs, firstMs - Math.floor((1 + 400 * unit(seed, SALT.modified, index, 0)) * 8_640_000) * 10);
			const combo = (index * 7 + below(676, seed, SALT.group, 2)) % 676;
			const round = Math.floor(index / 676);
			const base = { index, vintage: i < vintage, sealedOffset: below(33, seed, SALT.group, index, 3) };
			const target = Math.max(4, Math.round((size.series * (weights[i] as number)) / total));
			let productCount = 0;
			let cardCount = 0;
			for (let rows = 0; rows < target; productCount++) {
				const s = skeleton(seed, base, productCount);
				rows += s.printings.length;
				if (!s.sealed) cardCount++;
			}
			const info: GroupInfo = {
				...base,
				categoryId: size.id,
				groupId: GROUP_ID_BASE + index,
				name: `SYN ${ADJECTIVES[combo % 26]} ${NOUNS[Math.floor(combo / 26)]}${round ? ` ${round + 1}` : ""}`,
				abbreviation: `SYN${String(index + 1).padStart(3, "0")}`,
				isSupplemental: unit(seed, SALT.group, index, 4) < 0.05,
				publishedOn,
				productCount,
				cardCount,
				slotStart: slot,
				modifiedMs,
				newestK: below(productCount, seed, SALT.modified, index, 1),
			};
			slot += productCount;
			groups.push(info);
			list.push(info);
		}
	}
	const corrections = correctionSlots(seed, byCategory, firstDay);
	const byGroupId = new Map(groups.map((g) => [g.groupId, g]));
	return { groups, byCategory, byGroupId, corrections, nullShare };
}

/** One or two products per category whose names are corrected in the first days (in groups listed from the start). */
function correctionSlots(seed: number, byCategory: Map<number, GroupInfo[]>, firstDay: string): CorrectionSlot[] {
	const out: CorrectionSlot[] = [];
	for (const [categoryId, list] of byCategory) {
		const listed = list.filter((g) => g.publishedOn < firstDay && g.cardCount > 0);
		const count = listed.length ? 1 + below(2, seed, SALT.correction, categoryId) : 0;
		for (let j = 0; j < count; j++) {
			const group = pick(listed, seed, SALT.correction, categoryId, j, 1);
			let k = below(group.productCount, seed, SALT.correction, categoryId, j, 2);
			while (skeleton(seed, group, k).sealed) k = (k + 1) % group.productCount;
			if (out.some((c) => c.groupIndex === group.index && c.k === k)) continue;
			const day = addDays(firstDay, 1 + 3 * j);
			// Corrected in the afternoon, before that evening's publish.
			const time = Math.floor((14 + 5 * unit(seed, SALT.correction, categoryId, j, 3)) * 360_000) * 10;
			out.push({ categoryId, groupIndex: group.index, k, day, modifiedMs: Date.parse(`${day}T00:00:00Z`) + time });
		}
	}
	return out;
}

/** The modifiedOn text of a time: `2025-10-09T19:47:56.96` (no zone, trailing zeros of the fraction dropped). */
export function feedTime(ms: number): string {
	const [whole, fraction = ""] = new Date(ms).toISOString().slice(0, 22).split(".");
	const digits = fraction.replace(/0+$/, "");
	return digits ? `${whole}.${digits}` : (whole as string);
}

/** Whole days from `firstDay` to `day` (days before it are negative). */
export const dayIndex = (firstDay: string, day: string) => daysBetween(firstDay, day);

/** A stable 32-bit key for a series (a product in one printing). */
export const seriesKey = (seed: number, productId: number, printing: number) =>
	hash(seed, SALT.series, productId, printing);
