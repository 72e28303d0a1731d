/**
 * Each night's feed responses, kept in R2 exactly as the feed sent them, under the feed's day:
 *   feeds/tcgcsv/date=<day>/last-updated.txt
 *   feeds/tcgcsv/date=<day>/<category>/groups.json
 *   feeds/tcgcsv/date=<day>/<category>/<group>/prices.json
 *   feeds/tcgcsv/date=<day>/<category>/<group>/products.json   (only on nights they were fetched)
 * Collecting a day again reads these and asks the feed only for what is missing, so no price
 * file is fetched twice for a day (the maintainer's rule).
 */

/** The R2 keys of one day's responses. */
export const feedKeys = {
	lastUpdated: (day: string) => `feeds/tcgcsv/date=${day}/last-updated.txt`,
	groups: (day: string, category: number) => `feeds/tcgcsv/date=${day}/${category}/groups.json`,
	prices: (day: string, category: number, group: number) => `feeds/tcgcsv/date=${day}/${category}/${group}/prices.json`,
	products: (day: string, category: number, group: number) =>
		`feeds/tcgcsv/date=${day}/${category}/${group}/products.json`,
};

/** The feed's paths (under TCGCSV_BASE_URL). */
export const feedPaths = {
	lastUpdated: "/last-updated.txt",
	groups: (category: number) => `/tcgplayer/${category}/groups`,
	prices: (category: number, group: number) => `/tcgplayer/${category}/${group}/prices`,
	products: (category: number, group: number) => `/tcgplayer/${category}/${group}/products`,
};

/** A stored response's text, or null. */
export async function storedResponse(bucket: R2Bucket, key: string): Promise<string | null> {
	const object = await bucket.get(key);
	return object ? object.text() : null;
}

/** Keeps a response as it came, with where and when it was fetched. */
export async function storeResponse(bucket: R2Bucket, key: string, text: string, url: string): Promise<void> {
	await bucket.put(key, text, {
		httpMetadata: { contentType: key.endsWith(".txt") ? "text/plain" : "application/json" },
		customMetadata: { url, fetched_at: new Date().toISOString() },
	});
}
