/**
 * Step "check feed" (the `tcgcsv` source): whether the feed has published the run's day, and
 * which groups to collect. The run's day must be the feed's day (`last-updated.txt`): a feed not
 * yet updated for it is refused, never stored as a new day; a feed down altogether fails the
 * run with the reason. A day the feed has moved on from can still be collected again from its
 * stored responses (nothing is fetched for it then).
 */
import type { Config } from "../../config";
import { runBatched } from "../../db/batch";
import { addFeedRequests, feedRequestsOn, upsertGroups } from "../../db/feed";
import { getHistoryDay } from "../../db/history";
import { putParams } from "../../db/run-records";
import { FeedClient, type FeedOptions, type RequestBudget } from "../../prices/tcgcsv/client";
import { feedKeys, feedPaths, storedResponse, storeResponse } from "../../prices/tcgcsv/raw-store";
import { type FeedGroup, FeedGroups, feedDayOf, parseFeed } from "../../prices/tcgcsv/shapes";
import { FatalStepError } from "../errors";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** One group to collect. */
export type FeedGroupRef = { category: number; group: number; name: string; modified_on: string | null };

/** What the night will collect. */
export type FeedPlan = {
	day: string;
	/** The day's publish stamp (ISO). */
	stamp: string;
	/** The feed serves the run's day now: missing responses may be fetched. */
	live: boolean;
	/** The day the feed serves now (null when it could not be asked). */
	feed_day: string | null;
	groups: number;
	batches: FeedGroupRef[][];
	categories: { id: number; language: string; groups: number; listed: "fetched" | "stored" }[];
	requests: number;
};

/** The client's options from the config. */
export const feedOptions = (config: Config): FeedOptions => ({
	baseUrl: config.TCGCSV_BASE_URL,
	userAgent: config.TCGCSV_USER_AGENT,
	spacingMs: config.TCGCSV_REQUEST_SPACING_MS,
	timeoutMs: config.TCGCSV_TIMEOUT_MS,
	maxRetries: config.TCGCSV_MAX_RETRIES,
	backoffMs: config.TCGCSV_BACKOFF_MS,
});

/** The UTC day requests are counted under. */
export const requestDay = () => new Date().toISOString().slice(0, 10);

/** Requests left today, over every run. */
export async function todaysBudget(db: D1Database, config: Config): Promise<RequestBudget> {
	return { remaining: Math.max(0, config.TCGCSV_DAILY_REQUESTS - (await feedRequestsOn(db, requestDay()))) };
}

/** Asks the feed what it serves now: its day and stamp, or why it could not say. */
export async function askFeedDay(client: FeedClient) {
	return client.get(feedPaths.lastUpdated, feedDayOf);
}

/** Checks the feed and plans the night's groups. */
export async function checkFeed(env: Env, config: Config, runId: string, day: string): Promise<FeedPlan> {
	const client = new FeedClient(feedOptions(config), await todaysBudget(env.DB, config));
	try {
		return await plan(env, config, runId, day, client);
	} finally {
		if (client.requests > 0) await addFeedRequests(env.DB, requestDay(), client.requests).run();
	}
}

async function plan(env: Env, config: Config, runId: string, day: string, client: FeedClient): Promise<FeedPlan> {
	const storedStamp = await storedResponse(env.ARCHIVE, feedKeys.lastUpdated(day));
	const now = await askFeedDay(client);
	if (!now.ok && storedStamp === null)
		throw new FatalStepError(
			`the feed is down (${now.error}): nothing was collected for ${day} and nothing new is published`,
		);
	if (now.ok && now.value.day < day)
		throw new FatalStepError(
			`the feed has not published ${day} yet: its last update is ${now.value.stamp} (the ${now.value.day} data). ` +
				`TCGCSV publishes around 20:00 UTC; run again after that, or run for ${now.value.day}`,
		);
	const live = now.ok && now.value.day === day;
	if (live && storedStamp === null)
		await storeResponse(env.ARCHIVE, feedKeys.lastUpdated(day), now.text, client.url(feedPaths.lastUpdated));
	const stamp = storedStamp !== null ? feedDayOf(storedStamp).stamp : now.ok ? now.value.stamp : "";
	const feedDay = now.ok ? now.value.day : null;
	if (!live && storedStamp === null) {
		// The feed moved on before this day was collected: only a day already in the history can run.
		if (!(await getHistoryDay(env.DB, day, "tcgcsv")))
			throw new FatalStepError(
				`${day} was never collected and the feed now serves ${feedDay}: load it from an archive ` +
					`(npm run backfill), or run for ${feedDay}`,
			);
		return { day, stamp, live, feed_day: feedDay, groups: 0, batches: [], categories: [], requests: client.requests };
	}
	const refs: FeedGroupRef[] = [];
	const categories: FeedPlan["categories"] = [];
	for (const category of config.TCGCSV_CATEGORIES) {
		const key = feedKeys.groups(day, category.id);
		let text = await storedResponse(env.ARCHIVE, key);
		const listed = text === null ? "fetched" : "stored";
		let groups: FeedGroup[];
		if (text !== null) groups = parseFeed(FeedGroups, text, key).results;
		else {
			if (!live)
				throw new FatalStepError(
					`the groups of category ${category.id} for ${day} were not kept, and the feed now serves ${feedDay}`,
				);
			const answer = await client.getJson(feedPaths.groups(category.id), FeedGroups);
			if (!answer.ok)
				throw new FatalStepError(`the feed's groups of category ${category.id} could not be fetched: ${answer.error}`);
			text = answer.text;
			groups = answer.value.results;
			await storeResponse(env.ARCHIVE, key, text, client.url(feedPaths.groups(category.id)));
		}
		await upsertGroups(env.DB, category.id, groups, day).run();
		const sorted = [...groups].sort((a, b) => a.groupId - b.groupId);
		for (const g of sorted)
			refs.push({ category: category.id, group: g.groupId, name: g.name, modified_on: g.modifiedOn ?? null });
		categories.push({ id: category.id, language: category.language, groups: sorted.length, listed });
	}
	const batches: FeedGroupRef[][] = [];
	for (let i = 0; i < refs.length; i += config.TCGCSV_GROUPS_PER_STEP)
		batches.push(refs.slice(i, i + config.TCGCSV_GROUPS_PER_STEP));
	await runBatched(
		env.DB,
		putParams(env.DB, runId, { feed_day: feedDay, feed_stamp: stamp, feed_live: live, feed_groups: refs.length }),
	);
	return { day, stamp, live, feed_day: feedDay, groups: refs.length, batches, categories, requests: client.requests };
}
