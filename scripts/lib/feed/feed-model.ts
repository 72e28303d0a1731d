/**
 * What the feed host serves from: one day's response bodies of the TCGCSV feed. The synthetic
 * model implements it; a model over archived real files can be plugged in the same way.
 */

/** A value, or a promise of it (a model backed by files may read them). */
export type Awaitable<T> = T | Promise<T>;

/** The feed as of a day (YYYY-MM-DD): exact response bodies, null for what does not exist that day. */
export interface FeedModel {
	/** `last-updated.txt` as published that day (`2026-10-09T20:05:19+0000` and a newline). */
	lastUpdated(day: string): Awaitable<string>;
	/** `/tcgplayer/{categoryId}/groups`. */
	groups(categoryId: number, day: string): Awaitable<string | null>;
	/** `/tcgplayer/{categoryId}/{groupId}/products`. */
	products(categoryId: number, groupId: number, day: string): Awaitable<string | null>;
	/** `/tcgplayer/{categoryId}/{groupId}/prices`. */
	prices(categoryId: number, groupId: number, day: string): Awaitable<string | null>;
}

/** The instant a `last-updated.txt` stamp names, or null when it is not one. */
export function stampTime(text: string): Date | null {
	const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})\s*$/.exec(text.trim());
	if (!m) return null;
	const at = new Date(`${m[1]}${m[2]}:${m[3]}`);
	return Number.isNaN(at.getTime()) ? null : at;
}
