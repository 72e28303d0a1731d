/**
 * One group's products on a day: ids, names (with any correction that day has reached),
 * modifiedOn, printings and the price walk of each printing. Built from the seed and the group
 * alone, for the products and prices files and for the model's own series listing.
 */

import { PRINTING_FACTOR, type Printing, skeleton } from "./cards";
import { type Catalogue, type GroupInfo, productIdOf, seriesKey } from "./catalogue";
import { type Quote, quoteAt, seriesParams } from "./price-walk";
import { misspelt, productJson, productName } from "./product-text";
import { SALT, unit } from "./random";

/** One product of a group as served on a day. */
export type ProductRow = {
	k: number;
	productId: number;
	sealed: boolean;
	name: string;
	printings: readonly Printing[];
	modifiedMs: number;
	/** The product's JSON text. */
	json(): string;
	/** Printing `i`'s prices on day `t` (days from the feed's first day). */
	quote(i: number, t: number): Quote;
};

const DAY_MS = 86_400_000;
const THREE_YEARS_MS = 3 * 365 * DAY_MS;

/** The group's products in id order, as of `day`. */
export function groupRows(seed: number, g: GroupInfo, catalogue: Catalogue, day: string): ProductRow[] {
	const publishedMs = Date.parse(`${g.publishedOn}T00:00:00Z`);
	const span = Math.min(THREE_YEARS_MS, g.modifiedMs - publishedMs + 10 * DAY_MS);
	const nullShare = catalogue.nullShare.get(g.categoryId) ?? 0.12;
	const rows: ProductRow[] = [];
	for (let k = 0; k < g.productCount; k++) {
		const s = skeleton(seed, g, k);
		const productId = productIdOf(seed, g.slotStart + k);
		const correct = productName(seed, g, k, s);
		let name = correct;
		let modifiedMs =
			k === g.newestK
				? g.modifiedMs
				: g.modifiedMs - Math.floor((unit(seed, SALT.modified, g.index, k, 2) * span) / 10) * 10;
		const correction = catalogue.corrections.find((c) => c.groupIndex === g.index && c.k === k);
		if (correction && day < correction.day) name = misspelt(correct);
		else if (correction) modifiedMs = correction.modifiedMs;
		const params = s.printings.map((p, i) =>
			seriesParams(seriesKey(seed, productId, i), s.median * PRINTING_FACTOR[p], nullShare),
		);
		rows.push({
			k,
			productId,
			sealed: s.sealed,
			name,
			printings: s.printings,
			modifiedMs,
			json: () => productJson(seed, g, k, s, productId, name, modifiedMs),
			quote: (i, t) => {
				const p = params[i];
				if (!p) throw new RangeError(`product ${productId} has no printing ${i}`);
				return quoteAt(p, t);
			},
		});
	}
	return rows;
}
