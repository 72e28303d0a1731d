/**
 * Step "collect feed #n": one batch of groups. For each group, its prices (the night's stored
 * response, else fetched once and stored) and, when the group is new or changed since its
 * products were last fetched, its products; the catalogue learns every product and printing
 * priced. A group that still fails after the client's retries is recorded as failed (its cards
 * get no price that night: a one-day gap) and the batch goes on.
 */
import type { Config } from "../../config";
import { runBatched } from "../../db/batch";
import { type CatalogueRow, upsertCatalogue } from "../../db/catalogue";
import {
	addFeedRequests,
	type FeedOutcome,
	type ProductFacts,
	putFeedOutcomes,
	type StoredGroup,
	storedGroups,
	storedProducts,
	upsertProducts,
} from "../../db/feed";
import { cardSlug, feedCardId, productFacts, setCode, tcgplayerUrl } from "../../prices/tcgcsv/cards";
import { FeedClient } from "../../prices/tcgcsv/client";
import { feedKeys, feedPaths, storedResponse, storeResponse } from "../../prices/tcgcsv/raw-store";
import { FeedPrices, FeedProducts, parseFeed } from "../../prices/tcgcsv/shapes";
import { askFeedDay, type FeedGroupRef, type FeedPlan, feedOptions, requestDay, todaysBudget } from "./feed-check";

type Env = { DB: D1Database; ARCHIVE: R2Bucket };

/** What a batch did. */
export type FeedBatchOutput = {
	batch: number;
	ok: number;
	failed: number;
	rows: number;
	nulls: number;
	zeros: number;
	fetched: number;
	stored: number;
	requests: number;
	/** Why the batch stopped fetching, if it did (the feed moved on to another day mid-collection). */
	moved_on: string | null;
};

/** A response of the night: the stored one, else (while the feed serves the day) fetched and stored. */
async function nightly(
	env: Env,
	client: FeedClient,
	key: string,
	path: string,
	live: boolean,
	parse: (text: string) => unknown,
): Promise<
	| { text: string; how: "fetched" | "stored"; attempts: number }
	| { error: string; status: number | null; attempts: number }
> {
	const stored = await storedResponse(env.ARCHIVE, key);
	if (stored !== null) return { text: stored, how: "stored", attempts: 0 };
	if (!live) return { error: "not kept for this day, and the feed no longer serves it", status: null, attempts: 0 };
	const answer = await client.get(path, parse);
	if (!answer.ok) return { error: answer.error, status: answer.status, attempts: answer.attempts };
	await storeResponse(env.ARCHIVE, key, answer.text, client.url(path));
	return { text: answer.text, how: "fetched", attempts: answer.attempts };
}

/** Collects one batch of the plan's groups. */
export async function collectFeedBatch(
	env: Env,
	config: Config,
	runId: string,
	plan: FeedPlan,
	batch: number,
): Promise<FeedBatchOutput> {
	const client = new FeedClient(feedOptions(config), await todaysBudget(env.DB, config));
	const out: FeedBatchOutput = {
		batch,
		ok: 0,
		failed: 0,
		rows: 0,
		nulls: 0,
		zeros: 0,
		fetched: 0,
		stored: 0,
		requests: 0,
		moved_on: null,
	};
	let live = plan.live;
	if (live) {
		// The feed publishes once a day: if it has moved on since the plan, fetching would store the wrong day.
		const now = await askFeedDay(client);
		if (now.ok && now.value.day !== plan.day) {
			live = false;
			out.moved_on = `the feed moved on to ${now.value.day} during the collection`;
		}
	}
	const statements: D1PreparedStatement[] = [];
	const outcomes: FeedOutcome[] = [];
	const language = new Map(config.TCGCSV_CATEGORIES.map((c) => [c.id, c.language]));
	const groups = new Map<number, Map<number, StoredGroup>>();
	try {
		for (const ref of plan.batches[batch] ?? []) {
			if (!groups.has(ref.category)) groups.set(ref.category, await storedGroups(env.DB, ref.category));
			const group = groups.get(ref.category)?.get(ref.group);
			const context = { day: plan.day, live, language: language.get(ref.category) ?? null, group };
			const outcome = await collectGroup(env, client, context, ref, statements);
			outcomes.push(outcome);
			if (outcome.status === "ok") out.ok++;
			else out.failed++;
			out.rows += outcome.rows;
			out.nulls += outcome.nulls;
			out.zeros += outcome.zeros;
			if (outcome.prices === "fetched") out.fetched++;
			if (outcome.prices === "stored") out.stored++;
		}
	} finally {
		out.requests = client.requests;
		if (client.requests > 0) statements.push(addFeedRequests(env.DB, requestDay(), client.requests));
		statements.push(putFeedOutcomes(env.DB, runId, outcomes));
		await runBatched(env.DB, statements);
	}
	return out;
}

/** One group: its prices, its products when they are due, and its cards in the catalogue. */
async function collectGroup(
	env: Env,
	client: FeedClient,
	context: { day: string; live: boolean; language: string | null; group: StoredGroup | undefined },
	ref: FeedGroupRef,
	statements: D1PreparedStatement[],
): Promise<FeedOutcome> {
	const { day, live, language, group } = context;
	const outcome: FeedOutcome = {
		category_id: ref.category,
		group_id: ref.group,
		name: ref.name,
		status: "failed",
		prices: "none",
		products: "none",
		rows: 0,
		nulls: 0,
		zeros: 0,
		attempts: 0,
		http_status: null,
		error: null,
	};
	const pricesPath = feedPaths.prices(ref.category, ref.group);
	const prices = await nightly(env, client, feedKeys.prices(day, ref.category, ref.group), pricesPath, live, (t) =>
		parseFeed(FeedPrices, t, pricesPath),
	);
	if ("error" in prices)
		return { ...outcome, error: prices.error, http_status: prices.status, attempts: prices.attempts };
	const rows = parseFeed(FeedPrices, prices.text, pricesPath).results;
	outcome.prices = prices.how;
	outcome.attempts = prices.attempts;
	const known = await storedProducts(env.DB, ref.category, ref.group);
	const unknown = rows.some((r) => !known.has(r.productId));
	const due = unknown || group?.products_modified_on !== (ref.modified_on ?? null);
	const facts = new Map(known);
	const productsKey = feedKeys.products(day, ref.category, ref.group);
	const productsPath = feedPaths.products(ref.category, ref.group);
	const stored = await storedResponse(env.ARCHIVE, productsKey);
	if (stored !== null || (due && live)) {
		const products = await nightly(env, client, productsKey, productsPath, live, (t) =>
			parseFeed(FeedProducts, t, productsPath),
		);
		if ("error" in products) outcome.error = `products: ${products.error}`;
		else {
			const fetched = parseFeed(FeedProducts, products.text, productsPath).results.map((p) =>
				productFacts(p, ref.group),
			);
			for (const f of fetched) facts.set(f.product_id, f);
			statements.push(...upsertProducts(env.DB, ref.category, ref.group, fetched, day, ref.modified_on));
			outcome.products = products.how;
		}
	} else outcome.products = "kept";
	const code = setCode({ abbreviation: group?.abbreviation ?? null, name: ref.name });
	const described: CatalogueRow[] = [];
	const placeholders: CatalogueRow[] = [];
	for (const r of rows) {
		const price = r.marketPrice ?? null;
		if (price === null) {
			outcome.nulls++;
			continue;
		}
		if (!(price > 0)) {
			// TCGplayer shows $0.00 when it has no price: refused, as in imports.
			outcome.zeros++;
			continue;
		}
		outcome.rows++;
		const f: ProductFacts | undefined = facts.get(r.productId);
		const row: CatalogueRow = {
			card_id: feedCardId(r.productId, r.subTypeName),
			source: "tcgcsv",
			product_id: r.productId,
			printing: r.subTypeName,
			slug: cardSlug({
				set_code: code,
				number: f?.number ?? null,
				name: f?.name ?? `product ${r.productId}`,
				printing: r.subTypeName,
			}),
			name: f?.name ?? `TCGplayer product ${r.productId}`,
			set_name: ref.name,
			set_code: group?.abbreviation ?? null,
			number: f?.number ?? null,
			rarity: f?.rarity ?? null,
			language,
			kind: f?.kind ?? "card",
			url: f?.url ?? tcgplayerUrl(r.productId),
			first_seen: day,
		};
		(f ? described : placeholders).push(row);
	}
	const at = new Date().toISOString();
	for (const [rowsOf, describe] of [
		[described, true],
		[placeholders, false],
	] as const) {
		statements.push(...upsertCatalogue(env.DB, rowsOf, at, { describe }));
	}
	outcome.status = "ok";
	return outcome;
}
