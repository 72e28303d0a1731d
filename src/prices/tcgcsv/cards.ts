/**
 * What a feed series is, pure: its card id (one per product and printing, never changed by a
 * corrected name), a readable slug beside it, and the product's facts from its extendedData.
 */
import type { ProductFacts } from "../../db/feed";
import type { FeedGroup, FeedProduct } from "./shapes";

/** Lower-case ASCII words joined by hyphens (`Pokémon Card 151` → `pokemon-card-151`). */
export function slugify(text: string): string {
	return text
		.toLowerCase()
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "");
}

/** The card id of a product in a printing: `tcgp-<productId>-<printing>` (`tcgp-502558-reverse-holofoil`). */
export const feedCardId = (productId: number, printing: string) =>
	`tcgp-${productId}-${slugify(printing) || "default"}`;

/** A product's page on TCGplayer. */
export const tcgplayerUrl = (productId: number) => `https://www.tcgplayer.com/product/${productId}`;

/** An extendedData value by name (`Number`, `Rarity`), trimmed, or null. */
export function extendedValue(product: FeedProduct, name: string): string | null {
	const entry = product.extendedData?.find((e) => e.name === name);
	if (entry === undefined || entry.value === null || entry.value === undefined) return null;
	const value = String(entry.value).trim();
	return value === "" ? null : value;
}

/** The facts of one product of a group. */
export function productFacts(product: FeedProduct, groupId: number): ProductFacts {
	const number = extendedValue(product, "Number");
	return {
		product_id: product.productId,
		group_id: product.groupId ?? groupId,
		name: product.name.trim(),
		clean_name: product.cleanName?.trim() || null,
		number,
		rarity: extendedValue(product, "Rarity"),
		kind: number === null ? "sealed" : "card",
		url: product.url?.startsWith("https://") ? product.url : tcgplayerUrl(product.productId),
		modified_on: product.modifiedOn ?? null,
	};
}

/** A group's short code: its abbreviation, else its name, as a slug. */
export const setCode = (group: Pick<FeedGroup, "abbreviation" | "name">) =>
	slugify(group.abbreviation?.trim() || group.name) || "set";

/**
 * A readable slug for a card in a printing: set code, number (before the slash), name and
 * printing (`mew-199-charizard-ex-holofoil`). It follows the feed's names, so it can change:
 * look cards up by card id.
 */
export function cardSlug(parts: { set_code: string; number: string | null; name: string; printing: string }): string {
	const number = parts.number ? slugify(parts.number.split("/")[0] ?? "") : "";
	return [parts.set_code, number, slugify(parts.name), slugify(parts.printing)].filter(Boolean).join("-").slice(0, 128);
}
