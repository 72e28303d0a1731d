import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Api } from "../../scripts/lib/api-client";
import { archivePaths, archiveRows, backfill, parseCategoryList } from "../../scripts/lib/backfill";
import { ArchiveFeed } from "../../scripts/lib/feed/archive-feed";
import { type FeedHost, startFeedHost } from "../../scripts/lib/feed/feed-host";
import type { FeedModel } from "../../scripts/lib/feed/feed-model";
import { SyntheticFeed } from "../../scripts/lib/feed/synthetic-feed";
import { replayFeedNights } from "../../scripts/lib/feed-replay";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";
import { localAdminApi } from "../../scripts/lib/local-admin";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker";
import { ArchiveError, archiveDateOf, readArchive } from "../../scripts/lib/tcgcsv-archive";
import { FeedDay } from "../../src/prices/tcgcsv/day-prices";
import { type ArchiveEntry, writeTcgcsvArchive } from "../helpers/seven-zip";

// The shared real archives (../shared/data/tcgcsv): read where they are, never copied into the
// repository. POKEWATCH_TCGCSV_ARCHIVES names another directory; with
// POKEWATCH_ARCHIVES_REQUIRED=1 (as .ci/run sets when they exist) a missing directory fails.
const ARCHIVES = process.env.POKEWATCH_TCGCSV_ARCHIVES ?? join(ROOT, "..", "shared", "data", "tcgcsv");
const REAL_DAYS = ["2025-10-10", "2025-10-11", "2025-10-12"];
const realPath = (day: string) => join(ARCHIVES, `prices-${day}.ppmd.7z`);
let haveReal = false;

let scratch: string;
beforeAll(async () => {
	scratch = await mkdtemp(join(tmpdir(), "pokewatch-backfill-test-"));
	haveReal = REAL_DAYS.every((d) => existsSync(realPath(d)));
	if (!haveReal && process.env.POKEWATCH_ARCHIVES_REQUIRED === "1")
		throw new Error(`POKEWATCH_ARCHIVES_REQUIRED=1 but the archives are not in ${ARCHIVES}`);
	if (!haveReal) console.warn(`skipping the real-archive tests: no TCGCSV archives in ${ARCHIVES}`);
});
afterAll(async () => {
	await rm(scratch, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };
const cli = (...args: string[]) =>
	new Promise<Run>((resolve) =>
		execFile(
			bin("tsx"),
			["scripts/backfill.ts", ...args],
			{ cwd: ROOT, env: childEnv(), timeout: 60_000 },
			(e, stdout, stderr) => resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, stdout, stderr }),
		),
	);

/** The archive entries of a feed model's day: every listed group's prices file. */
async function entriesOf(feed: FeedModel, day: string, categories: readonly number[]): Promise<ArchiveEntry[]> {
	const out: ArchiveEntry[] = [];
	for (const category of categories) {
		const groups = JSON.parse((await feed.groups(category, day)) as string) as { results: { groupId: number }[] };
		for (const g of groups.results)
			out.push({ category, group: g.groupId, text: (await feed.prices(category, g.groupId, day)) as string });
	}
	return out;
}

type Day = { date: string; source: string; version: string; rows: number; parts: number };

async function history(api: Api): Promise<Day[]> {
	const answer = await api.request<{ data: Day[] }>("GET", "/v1/admin/history?limit=100");
	expect(answer.status).toBe(200);
	return answer.body.data
		.map(({ date, source, version, rows, parts }) => ({ date, source, version, rows, parts }))
		.sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Nightly collection through a local feed host on one fresh Worker, backfill of the same days on another. */
async function bothWays(feed: FeedModel, nights: readonly string[], archives: readonly string[]) {
	let host: FeedHost | undefined;
	let nightly: LocalWorker | undefined;
	let filled: LocalWorker | undefined;
	try {
		host = await startFeedHost({ feed, day: nights[0] as string });
		nightly = await startLocalWorker({ vars: { TCGCSV_BASE_URL: host.url, TCGCSV_REQUEST_SPACING_MS: "0" } });
		filled = await startLocalWorker();
		const nightlyApi = await localAdminApi(nightly, "backfill test: nightly");
		const filledApi = await localAdminApi(filled, "backfill test: backfill");
		const runs = await replayFeedNights(nightlyApi, host, nights, () => undefined);
		expect(runs.map((r) => [r.status, r.reason]).filter(([s]) => s !== "complete" && s !== "rejected")).toEqual([]);
		const lines: string[] = [];
		const days = await backfill(filledApi, archives, { categories: [3, 85], log: (l) => lines.push(l) });
		expect(days.map((d) => [d.date, d.seed.status, d.reused])).toEqual(nights.map((n) => [n, "complete", false]));
		const again = await backfill(filledApi, archives, { categories: [3, 85], log: (l) => lines.push(l) });
		expect(again.every((d) => d.reused)).toBe(true);
		return { nightly: await history(nightlyApi), backfilled: await history(filledApi), lines };
	} finally {
		await nightly?.dispose();
		await filled?.dispose();
		await host?.close();
	}
}

describe("npm run backfill: usage", () => {
	it("refuses bad input with exit 2 and a clear message, before starting any Worker", async () => {
		const good = join(scratch, "prices-2026-03-01.ppmd.7z");
		await writeTcgcsvArchive(good, "2026-03-01", [{ category: 3, group: 1, text: "{}" }]);
		const misnamed = join(scratch, "prices.7z");
		await writeFile(misnamed, "x");
		const garbage = join(scratch, "prices-2025-01-01.ppmd.7z");
		await writeFile(garbage, "not an archive");
		const [none, missing, name, cats, notArchive, env, help] = await Promise.all([
			cli(),
			cli(join(scratch, "nope")),
			cli(misnamed),
			cli(garbage, "--categories", "3,pokemon"),
			cli(garbage),
			cli(good, "--env", "nowhere"),
			cli("--help"),
		]);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("name at least one archive");
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain("no such file or directory");
		expect(name.code).toBe(2);
		expect(name.stderr).toContain("not a TCGCSV price archive name (prices-YYYY-MM-DD.ppmd.7z)");
		expect(cats.code).toBe(2);
		expect(cats.stderr).toContain('--categories must be category ids separated by commas (3,85), got "3,pokemon"');
		expect(notArchive.code).toBe(2);
		expect(notArchive.stderr).toContain(`${garbage}: not a 7-Zip archive`);
		expect(env.code).toBe(2);
		expect(env.stderr).toContain('--env must be staging or production, got "nowhere"');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain("usage: npm run backfill -- PATH…");
	}, 90_000);

	it("reads category lists in both forms and orders archives by day", async () => {
		expect(parseCategoryList("3,85")).toEqual([3, 85]);
		expect(parseCategoryList("85:ja, 3:en")).toEqual([85, 3]);
		expect(() => parseCategoryList("3,3")).toThrow("names a category twice");
		const dir = await mkdtemp(join(scratch, "dir-"));
		const a = join(dir, "prices-2026-01-02.ppmd.7z");
		const b = join(dir, "prices-2026-01-01.ppmd.7z");
		for (const [path, day] of [
			[a, "2026-01-02"],
			[b, "2026-01-01"],
		] as const)
			await writeTcgcsvArchive(path, day, [{ category: 3, group: 1, text: "{}" }]);
		await writeFile(join(dir, "notes.txt"), "not an archive, not named as one: left alone");
		expect(await archivePaths([a, b])).toEqual([b, a]);
		expect(await archivePaths([dir])).toEqual([b, a]);
		const copy = join(scratch, "prices-2026-01-01.ppmd.7z");
		await copyFile(b, copy);
		await expect(archivePaths([dir, copy])).rejects.toThrow("two archives of 2026-01-01");
	});
});

describe("the archive reader, on archives it wrote itself", () => {
	it("reads the categories asked for, groups in id order, with the files' time", async () => {
		const path = join(scratch, "prices-2026-02-03.ppmd.7z");
		const stamp = new Date("2026-02-03T20:04:05Z");
		await writeTcgcsvArchive(
			path,
			"2026-02-03",
			[
				{ category: 3, group: 20, text: "twenty" },
				{ category: 3, group: 3, text: "three" },
				{ category: 85, group: 7, text: "seven" },
				{ category: 1, group: 1, text: "magic" },
			],
			stamp,
		);
		const day = await readArchive(path, [85, 3, 99]);
		expect(day.date).toBe("2026-02-03");
		expect(day.files.map((f) => [f.category, f.group, f.text])).toEqual([
			[85, 7, "seven"],
			[3, 3, "three"],
			[3, 20, "twenty"],
		]);
		expect(day.missing).toEqual([99]);
		expect(day.stamp?.toISOString()).toBe(stamp.toISOString());
	});

	it("says what is wrong with a damaged archive, a misdated one, or one without the categories", async () => {
		const damaged = join(scratch, "prices-2026-02-04.ppmd.7z");
		await writeFile(damaged, "7z? no");
		await expect(readArchive(damaged, [3])).rejects.toThrow(ArchiveError);
		await expect(readArchive(damaged, [3])).rejects.toThrow("7-Zip could not read it");
		const misdated = join(scratch, "prices-2026-02-05.ppmd.7z");
		await writeTcgcsvArchive(misdated, "2026-02-06", [{ category: 3, group: 1, text: "x" }]);
		await expect(readArchive(misdated, [3])).rejects.toThrow("its files are dated 2026-02-06, not 2026-02-05");
		const other = join(scratch, "prices-2026-02-07.ppmd.7z");
		await writeTcgcsvArchive(other, "2026-02-07", [{ category: 1, group: 1, text: "x" }]);
		await expect(readArchive(other, [3, 85])).rejects.toThrow("holds no prices file of categories 3, 85");
		expect(() => archiveDateOf("prices-2026-02-30.ppmd.7z")).toThrow(ArchiveError);
	});
});

describe("ArchiveFeed: a local feed host's model over archives", () => {
	it("serves each archive's prices byte for byte, groups and products around them, and the last day before a gap", async () => {
		const prices = (ids: number[]) =>
			`{"success": true, "errors": [], "results": [${ids.map((id) => `{"productId": ${id}, "lowPrice": null, "midPrice": null, "highPrice": null, "marketPrice": 1.5, "directLowPrice": null, "subTypeName": "Normal"}`).join(", ")}]}`;
		const dir = await mkdtemp(join(scratch, "feed-"));
		const first = join(dir, "prices-2026-04-01.ppmd.7z");
		const third = join(dir, "prices-2026-04-03.ppmd.7z");
		await writeTcgcsvArchive(
			first,
			"2026-04-01",
			[{ category: 3, group: 5, text: prices([11, 12, 11]) }],
			new Date("2026-04-01T20:01:02Z"),
		);
		await writeTcgcsvArchive(
			third,
			"2026-04-03",
			[
				{ category: 3, group: 5, text: prices([11]) },
				{ category: 3, group: 9, text: prices([21]) },
			],
			new Date("2026-04-03T20:05:06Z"),
		);
		const feed = await ArchiveFeed.open(await archivePaths([dir]), [3, 85]);
		expect(feed.days).toEqual(["2026-04-01", "2026-04-03"]);
		expect(feed.lastUpdated("2026-04-01")).toBe("2026-04-01T20:01:02+0000\n");
		expect(feed.lastUpdated("2026-04-02")).toBe("2026-04-01T20:01:02+0000\n");
		expect(feed.prices(3, 5, "2026-04-01")).toBe(prices([11, 12, 11]));
		expect(feed.prices(3, 9, "2026-04-01")).toBeNull();
		expect(feed.groups(85, "2026-04-01")).toBeNull();
		const products = JSON.parse(feed.products(3, 5, "2026-04-01") as string) as { results: { productId: number }[] };
		expect(products.results.map((p) => p.productId)).toEqual([11, 12]);
		const groups = JSON.parse(feed.groups(3, "2026-04-03") as string) as {
			results: { groupId: number; publishedOn: string }[];
		};
		expect(groups.results.map((g) => [g.groupId, g.publishedOn])).toEqual([
			[5, "2026-04-01T00:00:00"],
			[9, "2026-04-03T00:00:00"],
		]);
	});
});

describe("the archive reader, on the shared real archives", () => {
	it("reads every Pokémon group of a real day, with the feed's own prices JSON", async ({ skip }) => {
		if (!haveReal) skip();
		const day = await readArchive(realPath("2025-10-12"), [3, 85]);
		const count = (c: number) => day.files.filter((f) => f.category === c).length;
		expect([count(3), count(85)]).toEqual([210, 434]);
		const rows = (c: number) =>
			day.files
				.filter((f) => f.category === c)
				.flatMap((f) => (JSON.parse(f.text) as { results: { marketPrice: number | null }[] }).results);
		expect(rows(3)).toHaveLength(42_781);
		expect(rows(3).filter((r) => r.marketPrice === null)).toHaveLength(912);
		expect(rows(85)).toHaveLength(21_640);
		expect(rows(85).filter((r) => r.marketPrice === null)).toHaveLength(7_030);
		expect(day.stamp?.toISOString().slice(0, 13)).toBe("2025-10-12T20");
		const english = await readArchive(realPath("2025-10-12"), [3]);
		expect(english.files).toHaveLength(210);
		const built = archiveRows(day);
		expect(built.rows + built.nulls + built.zeros + built.repeats).toBe(42_781 + 21_640);
		expect(built.csv.split("\n")[0]).toBe("card_id,card_name,set_name,date,market_price,source");
	}, 60_000);

	it("refuses a real archive renamed to another day", async ({ skip }) => {
		if (!haveReal) skip();
		const renamed = join(scratch, "prices-2025-10-13.ppmd.7z");
		await copyFile(realPath("2025-10-12"), renamed);
		await expect(readArchive(renamed, [3])).rejects.toThrow("its files are dated 2025-10-12, not 2025-10-13");
	}, 60_000);
});

describe("the same days by the nightly collection and by backfill give the same history", () => {
	it("on a synthetic feed's days, archived as TCGCSV archives them", async () => {
		const feed = new SyntheticFeed({ seed: 11 });
		const nights = ["2026-11-01", "2026-11-02", "2026-11-03"];
		const archives: string[] = [];
		for (const night of nights) {
			const path = join(scratch, `prices-${night}.ppmd.7z`);
			await writeTcgcsvArchive(path, night, await entriesOf(feed, night, [3, 85]));
			archives.push(path);
		}
		const expected = new FeedDay();
		for (const e of await entriesOf(feed, "2026-11-03", [3, 85])) expected.add(e.text, `${e.category}/${e.group}`);
		const { nightly, backfilled, lines } = await bothWays(feed, nights, archives);
		expect(nightly.map((d) => d.date)).toEqual(nights);
		expect(nightly.at(-1)?.rows).toBe(expected.day.cards.length);
		expect(backfilled).toEqual(nightly);
		expect(
			lines.some((l) => /^\[1\/3\] 2026-11-01: \d+ groups, \d+ prices.* from .*prices-2026-11-01\.ppmd\.7z/.test(l)),
		).toBe(true);
		expect(lines.filter((l) => l.includes("was backfilled before"))).toHaveLength(3);
	}, 600_000);

	it("on the shared real archives", async ({ skip }) => {
		if (!haveReal) skip();
		const archives = REAL_DAYS.map(realPath);
		const feed = await ArchiveFeed.open(archives, [3, 85]);
		const { nightly, backfilled } = await bothWays(feed, REAL_DAYS, archives);
		expect(nightly.map((d) => [d.date, d.source])).toEqual(REAL_DAYS.map((d) => [d, "tcgcsv"]));
		expect(nightly.every((d) => d.rows > 56_000)).toBe(true);
		expect(backfilled).toEqual(nightly);
	}, 900_000);
});
