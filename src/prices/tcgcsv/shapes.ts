/**
 * The TCGCSV feed's responses (tcgcsv.com, TCGplayer's catalogue and prices republished once a
 * day): `last-updated.txt`, and per category the groups, each group's products and its prices.
 * Parsed leniently (fields the feed may add are ignored), strictly where PokeWatch depends on them.
 */
import { z } from "zod";

const envelope = <T extends z.ZodType>(item: T) =>
	z.object({ success: z.boolean(), errors: z.array(z.unknown()).default([]), results: z.array(item) });

/** One group (a set, or a line of sealed products) of a category. */
export const FeedGroup = z.object({
	groupId: z.number().int().positive(),
	name: z.string(),
	abbreviation: z.string().nullish(),
	isSupplemental: z.boolean().nullish(),
	publishedOn: z.string().nullish(),
	modifiedOn: z.string().nullish(),
	categoryId: z.number().int().positive(),
});
export type FeedGroup = z.infer<typeof FeedGroup>;
export const FeedGroups = envelope(FeedGroup);

/** One product: a card, or a sealed product (no card number). */
export const FeedProduct = z.object({
	productId: z.number().int().positive(),
	name: z.string(),
	cleanName: z.string().nullish(),
	imageUrl: z.string().nullish(),
	categoryId: z.number().int().positive().nullish(),
	groupId: z.number().int().positive().nullish(),
	url: z.string().nullish(),
	modifiedOn: z.string().nullish(),
	extendedData: z
		.array(z.object({ name: z.string(), displayName: z.string().nullish(), value: z.unknown() }))
		.nullish(),
});
export type FeedProduct = z.infer<typeof FeedProduct>;
export const FeedProducts = envelope(FeedProduct);

const price = z.number().finite().nullable().optional();

/** One product in one printing (`subTypeName`): its prices (USD) or null. */
export const FeedPrice = z.object({
	productId: z.number().int().positive(),
	lowPrice: price,
	midPrice: price,
	highPrice: price,
	marketPrice: price,
	directLowPrice: price,
	subTypeName: z.string().min(1),
});
export type FeedPrice = z.infer<typeof FeedPrice>;
export const FeedPrices = envelope(FeedPrice);

/** A response that is not what the feed documents: retried, then the group fails with this message. */
export class FeedShapeError extends Error {
	override name = "FeedShapeError";
}

/** Parses a response body with one of the schemas above, or throws a FeedShapeError saying what is wrong. */
export function parseFeed<T>(schema: z.ZodType<T>, text: string, what: string): T {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new FeedShapeError(`${what}: not JSON (${text.slice(0, 60).replace(/\s+/g, " ")}…)`);
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new FeedShapeError(`${what}: ${issue?.path.join(".") || "body"}: ${issue?.message}`);
	}
	const body = parsed.data as { success?: boolean; errors?: unknown[] };
	if (body.success === false)
		throw new FeedShapeError(`${what}: the feed answered success=false (${JSON.stringify(body.errors)})`);
	return parsed.data;
}

/**
 * The feed's day from its `last-updated.txt` stamp (`2026-10-09T20:05:19+0000`): the UTC date
 * of the publish, where a publish before 06:00 UTC (a late one) still counts for the day before.
 */
export function feedDayOf(text: string): { stamp: string; day: string } {
	const m = /^\s*(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})\s*$/.exec(text);
	if (!m) throw new FeedShapeError(`last-updated.txt: not a timestamp (${text.slice(0, 40).trim()})`);
	const offset = m[5] === "Z" ? "+00:00" : (m[5] as string).replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
	const at = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}${offset}`);
	if (Number.isNaN(at)) throw new FeedShapeError(`last-updated.txt: not a timestamp (${text.trim()})`);
	const day = new Date(at - 6 * 3_600_000).toISOString().slice(0, 10);
	return { stamp: new Date(at).toISOString(), day };
}
