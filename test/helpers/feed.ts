import { env } from "cloudflare:workers";
import { getConfig } from "../../src/config";
import { FeedDay } from "../../src/prices/tcgcsv/day-prices";

/** The local feed host's base (the Worker's TCGCSV_BASE_URL: the host's default scope). */
const base = () => getConfig(env).TCGCSV_BASE_URL;

async function control(path: string, body?: unknown, scope?: string): Promise<unknown> {
	const prefix = scope ? `${base()}/s/${scope}` : base();
	const res = await fetch(
		`${prefix}/__control/${path}`,
		body === undefined ? {} : { method: "POST", body: JSON.stringify(body) },
	);
	if (!res.ok) throw new Error(`feed control ${path}: ${res.status} ${await res.text()}`);
	return res.headers.get("content-type")?.includes("json") ? res.json() : null;
}

/** Serves `day` (with `published: false`, still the day before, as the feed is before its evening publish). */
export const setFeedDay = (day: string, published = true, scope?: string) => control("day", { day, published }, scope);

/** The next `times` requests to `path` answer `status`. */
export const failFeed = (path: string, status: number, times?: number) =>
	control("faults", { faults: [{ path, status, ...(times === undefined ? {} : { times }) }] });

/** Every feed route answers 503 (true), or as usual again (false), faults cleared. */
export const feedDown = (down: boolean) => control("faults", { faults: [], down });

/** The requests the Worker's scope received since the last reset. */
export const feedRequests = async () =>
	(await control("requests")) as { method: string; path: string; userAgent: string | null; status: number }[];

/** Clears the request log and faults. */
export const resetFeed = () => control("reset", {});

/**
 * What the feed holds on `day` (read through a scope of its own, which serves one day at a time:
 * call it for one day after another, not at once): every priced series' card id and price.
 */
export async function feedSeries(day: string): Promise<Map<string, number>> {
	const scope = "expect";
	await setFeedDay(day, true, scope);
	const feedDay = new FeedDay();
	for (const category of [3, 85]) {
		const groups = (await (await fetch(`${base()}/s/${scope}/tcgplayer/${category}/groups`)).json()) as {
			results: { groupId: number }[];
		};
		for (const g of groups.results) {
			const path = `/tcgplayer/${category}/${g.groupId}/prices`;
			feedDay.add(await (await fetch(`${base()}/s/${scope}${path}`)).text(), path);
		}
	}
	return new Map(feedDay.day.cards.map((c, i) => [c, feedDay.day.prices[i] as number]));
}

/** The groups the feed lists on `day`: [category, group id, name]. */
export async function feedGroups(day: string): Promise<[number, number, string][]> {
	const scope = "expect";
	await setFeedDay(day, true, scope);
	const out: [number, number, string][] = [];
	for (const category of [3, 85]) {
		const groups = (await (await fetch(`${base()}/s/${scope}/tcgplayer/${category}/groups`)).json()) as {
			results: { groupId: number; name: string }[];
		};
		for (const g of groups.results) out.push([category, g.groupId, g.name]);
	}
	return out;
}
