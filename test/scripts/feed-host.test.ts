import { type ChildProcess, execFile, spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FeedHost, startFeedHost } from "../../scripts/lib/feed/feed-host";
import type { FeedModel } from "../../scripts/lib/feed/feed-model";
import { SyntheticFeed } from "../../scripts/lib/feed/synthetic-feed";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";
import { addDays } from "../../src/model/dates";

const FIRST = "2026-11-01";
const feed = new SyntheticFeed({ seed: 7, firstDay: FIRST });
const [g3] = feed.groupList(3);
const group = g3 as NonNullable<typeof g3>;
const pricesPath = `/tcgplayer/3/${group.groupId}/prices`;
const fresh = feed.groupList(3).find((g) => g.publishedOn > FIRST) as NonNullable<typeof g3>;
const UA = { "user-agent": "PokeWatch-test/1.0 (+feed-host.test)" };

let host: FeedHost;

async function get(url: string, headers: Record<string, string> = UA) {
	const res = await fetch(url, { headers });
	return { status: res.status, headers: res.headers, text: await res.text() };
}

async function post(url: string, body: unknown) {
	const res = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
	host = await startFeedHost({ feed, day: FIRST });
});

afterAll(async () => {
	await host.close();
});

beforeEach(async () => {
	await post(`${host.url}/__control/reset`, {});
	await post(`${host.url}/__control/day`, { day: FIRST });
});

describe("the feed host's routes", () => {
	it("serves the model's bytes for its day, with content types and Last-Modified at the day's publish", async () => {
		expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
		const stamp = await get(`${host.url}/last-updated.txt`);
		expect(stamp.status).toBe(200);
		expect(stamp.text).toBe(feed.lastUpdated(FIRST));
		expect(stamp.headers.get("content-type")).toBe("text/plain");
		const publishedAt = new Date(`${stamp.text.trim().replace("+0000", "Z")}`);
		expect(stamp.headers.get("last-modified")).toBe(publishedAt.toUTCString());
		const files: [string, string | null][] = [
			["/tcgplayer/3/groups", feed.groups(3, FIRST)],
			["/tcgplayer/85/groups", feed.groups(85, FIRST)],
			[`/tcgplayer/3/${group.groupId}/products`, feed.products(3, group.groupId, FIRST)],
			[pricesPath, feed.prices(3, group.groupId, FIRST)],
		];
		for (const [path, body] of files) {
			const res = await get(`${host.url}${path}`);
			expect(res.status, path).toBe(200);
			expect(res.headers.get("content-type")).toBe("application/json");
			expect(res.headers.get("last-modified")).toBe(publishedAt.toUTCString());
			expect(res.text).toBe(body);
		}
	});

	it("answers 404 with a JSON body for unknown paths, categories and groups, and 405 to a POST", async () => {
		for (const path of [
			"/",
			"/nope",
			"/tcgplayer/1/groups",
			"/tcgplayer/3/1/prices",
			`/tcgplayer/85/${group.groupId}/prices`,
		]) {
			const res = await get(`${host.url}${path}`);
			expect(res.status, path).toBe(404);
			expect(res.headers.get("content-type")).toBe("application/json");
			expect(JSON.parse(res.text)).toMatchObject({ error: "not found" });
		}
		expect((await post(`${host.url}${pricesPath}`, {})).status).toBe(405);
		expect((await get(`${host.url}/__control/nothing`)).status).toBe(404);
	});

	it("serves another FeedModel, async ones included", async () => {
		const model: FeedModel = {
			lastUpdated: async (day) => `${day}T20:01:02+0000\n`,
			groups: async (category) =>
				category === 3 ? '{"totalItems": 0, "success": true, "errors": [], "results": []}' : null,
			products: () => null,
			prices: () => null,
		};
		const other = await startFeedHost({ feed: model, day: "2026-01-02" });
		try {
			expect((await get(`${other.url}/last-updated.txt`)).text).toBe("2026-01-02T20:01:02+0000\n");
			expect((await get(`${other.url}/tcgplayer/3/groups`)).status).toBe(200);
			expect((await get(`${other.url}/tcgplayer/85/groups`)).status).toBe(404);
		} finally {
			await other.close();
		}
	});
});

describe("POST /__control/day", () => {
	it("serves the day set; unpublished, the previous day's stamp and files", async () => {
		const day = fresh.publishedOn;
		expect(await post(`${host.url}/__control/day`, { day, published: false })).toEqual({
			status: 200,
			json: { day, published: false, servedDay: addDays(day, -1) },
		});
		expect((await get(`${host.url}/last-updated.txt`)).text).toBe(feed.lastUpdated(addDays(day, -1)));
		expect((await get(`${host.url}${pricesPath}`)).text).toBe(feed.prices(3, group.groupId, addDays(day, -1)));
		// The group published that day is not there yet.
		expect((await get(`${host.url}/tcgplayer/3/${fresh.groupId}/prices`)).status).toBe(404);
		expect((await get(`${host.url}/tcgplayer/3/groups`)).text).not.toContain(`"groupId": ${fresh.groupId},`);

		await post(`${host.url}/__control/day`, { day, published: true });
		expect((await get(`${host.url}/last-updated.txt`)).text).toBe(feed.lastUpdated(day));
		expect((await get(`${host.url}/tcgplayer/3/groups`)).text).toContain(`"groupId": ${fresh.groupId},`);
		const prices = await get(`${host.url}/tcgplayer/3/${fresh.groupId}/prices`);
		expect(prices.text).toBe(feed.prices(3, fresh.groupId, day));
		expect((await get(`${host.url}/__control/day`)).text).toBe(
			JSON.stringify({ day, published: true, servedDay: day }),
		);
	});

	it("refuses a bad day or body with 400", async () => {
		expect((await post(`${host.url}/__control/day`, { day: "2026-02-30" })).status).toBe(400);
		expect((await post(`${host.url}/__control/day`, { day: FIRST, extra: 1 })).status).toBe(400);
		expect((await post(`${host.url}/__control/day`, "{not json")).status).toBe(400);
		expect(host.state().day).toBe(FIRST);
	});
});

describe("POST /__control/faults", () => {
	it("answers the status the next `times` requests to that exact path, then the file again", async () => {
		const set = await post(`${host.url}/__control/faults`, { faults: [{ path: pricesPath, status: 503, times: 2 }] });
		expect(set.json).toEqual({ faults: [{ path: pricesPath, status: 503, times: 2 }], down: false });
		expect((await get(`${host.url}${pricesPath}`)).status).toBe(503);
		expect((await get(`${host.url}/tcgplayer/3/${group.groupId}/products`)).status).toBe(200);
		expect(JSON.parse((await get(`${host.url}/__control/faults`)).text)).toEqual({
			faults: [{ path: pricesPath, status: 503, times: 1 }],
			down: false,
		});
		expect((await get(`${host.url}${pricesPath}`)).status).toBe(503);
		const ok = await get(`${host.url}${pricesPath}`);
		expect(ok.status).toBe(200);
		expect(ok.text).toBe(feed.prices(3, group.groupId, FIRST));
		expect(host.requests().map((r) => r.status)).toEqual([503, 200, 503, 200]);
	});

	it("without times fails always; a body and a delay can be given; faults: [] clears", async () => {
		await post(`${host.url}/__control/faults`, {
			faults: [
				{ path: "/last-updated.txt", status: 429 },
				{ path: pricesPath, status: 200, body: "<html>truncated", delayMs: 50 },
			],
		});
		for (let i = 0; i < 3; i++) expect((await get(`${host.url}/last-updated.txt`)).status).toBe(429);
		const started = Date.now();
		expect(await get(`${host.url}${pricesPath}`)).toMatchObject({ status: 200, text: "<html>truncated" });
		expect(Date.now() - started).toBeGreaterThanOrEqual(45);
		await post(`${host.url}/__control/faults`, { faults: [] });
		expect((await get(`${host.url}/last-updated.txt`)).status).toBe(200);
		expect((await post(`${host.url}/__control/faults`, { faults: [{ path: "x", status: 503 }] })).status).toBe(400);
	});

	it('{"down": true} answers 503 on every non-control route until cleared', async () => {
		await post(`${host.url}/__control/faults`, { down: true });
		for (const path of ["/last-updated.txt", "/tcgplayer/3/groups", pricesPath, "/nope"])
			expect((await get(`${host.url}${path}`)).status, path).toBe(503);
		expect((await get(`${host.url}/__control/day`)).status).toBe(200);
		await post(`${host.url}/__control/faults`, { faults: [], down: false });
		expect((await get(`${host.url}/last-updated.txt`)).status).toBe(200);
	});
});

describe("GET /__control/requests and POST /__control/reset", () => {
	it("logs each feed request's path, User-Agent and time, not control requests; reset clears log and faults", async () => {
		const before = Date.now();
		await get(`${host.url}/last-updated.txt`);
		// Node's http client sends no User-Agent unless told to: logged as null.
		await new Promise((resolve, reject) =>
			httpGet(`${host.url}/tcgplayer/3/groups?x=1`, (res) => res.resume().on("end", resolve)).on("error", reject),
		);
		await get(`${host.url}/__control/day`);
		const log = JSON.parse((await get(`${host.url}/__control/requests`)).text) as {
			path: string;
			userAgent: string | null;
			at: string;
		}[];
		expect(log.map((r) => [r.path, r.userAgent])).toEqual([
			["/last-updated.txt", UA["user-agent"]],
			["/tcgplayer/3/groups?x=1", null],
		]);
		for (const r of log) expect(Date.parse(r.at)).toBeGreaterThanOrEqual(before - 1000);
		await post(`${host.url}/__control/faults`, { faults: [{ path: pricesPath, status: 500 }], down: true });
		expect((await post(`${host.url}/__control/reset`, {})).json).toEqual({ reset: true });
		expect(host.requests()).toEqual([]);
		expect((await get(`${host.url}${pricesPath}`)).status).toBe(200);
	});
});

describe("scopes", () => {
	it("give every route under /s/<scope>/ its own day, faults and log", async () => {
		const a = host.scope("file-a");
		const b = host.scope("file-b");
		expect(a.url).toBe(`${host.url}/s/file-a`);
		await post(`${a.url}/__control/day`, { day: addDays(FIRST, 5) });
		await post(`${b.url}/__control/faults`, { faults: [{ path: "/last-updated.txt", status: 503, times: 1 }] });
		expect((await get(`${a.url}/last-updated.txt`)).text).toBe(feed.lastUpdated(addDays(FIRST, 5)));
		expect((await get(`${b.url}/last-updated.txt`)).status).toBe(503);
		expect((await get(`${b.url}/last-updated.txt`)).text).toBe(feed.lastUpdated(FIRST));
		expect((await get(`${host.url}/last-updated.txt`)).text).toBe(feed.lastUpdated(FIRST));
		expect((await get(`${a.url}${pricesPath}`)).text).toBe(feed.prices(3, group.groupId, addDays(FIRST, 5)));
		const paths = (url: string) =>
			get(`${url}/__control/requests`).then((r) => JSON.parse(r.text).map((e: { path: string }) => e.path));
		expect(await paths(a.url)).toEqual(["/last-updated.txt", pricesPath]);
		expect(await paths(b.url)).toEqual(["/last-updated.txt", "/last-updated.txt"]);
		expect(await paths(host.url)).toEqual(["/last-updated.txt"]);
		await post(`${a.url}/__control/reset`, {});
		expect(a.requests()).toEqual([]);
		expect(b.requests()).toHaveLength(2);
		// A scope's day survives its reset; the handle drives the same state as the endpoints.
		expect(a.state().day).toBe(addDays(FIRST, 5));
		b.setDay(addDays(FIRST, 2), { published: false });
		expect(JSON.parse((await get(`${b.url}/__control/day`)).text)).toEqual({
			day: addDays(FIRST, 2),
			published: false,
			servedDay: addDays(FIRST, 1),
		});
		b.setDown(true);
		expect((await get(`${b.url}/tcgplayer/3/groups`)).status).toBe(503);
		b.reset();
		expect((await get(`${b.url}/tcgplayer/3/groups`)).status).toBe(200);
		expect(() => host.scope("no/slash")).toThrow(RangeError);
	});
});

type Run = { code: number; stdout: string; stderr: string };
const done = (resolve: (r: Run) => void) => (e: { code?: unknown } | null, stdout: string, stderr: string) =>
	resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, stdout, stderr });

describe("npm run feed", () => {
	it("--help prints the usage and exits 0 (through npm)", async () => {
		const run = await new Promise<Run>((resolve) =>
			execFile(
				"npm",
				["run", "--silent", "feed", "--", "--help"],
				{ cwd: ROOT, env: childEnv(), timeout: 45_000 },
				done(resolve),
			),
		);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain("usage: npm run feed -- serve");
	});

	it("a bad flag, size or command exits 2 with a clear message", async () => {
		const cli = (...args: string[]) =>
			new Promise<Run>((resolve) =>
				execFile(
					bin("tsx"),
					["scripts/feed.ts", ...args],
					{ cwd: ROOT, env: childEnv(), timeout: 45_000 },
					done(resolve),
				),
			);
		const [flag, size, day, command, archives] = await Promise.all([
			cli("serve", "--bogus"),
			cli("serve", "--size", "huge"),
			cli("serve", "--day", "2026-13-01"),
			cli("fetch"),
			cli("serve", "--archives", "no/such/archives"),
		]);
		for (const r of [flag, size, day, command, archives]) expect(r.code, r.stderr).toBe(2);
		expect(archives.stderr).toContain("no/such/archives: no such file or directory");
		expect(flag.stderr).toContain("Unknown option '--bogus'");
		expect(size.stderr).toContain('--size must be small or full, got "huge"');
		expect(day.stderr).toContain('--day must be a YYYY-MM-DD date, got "2026-13-01"');
		expect(command.stderr).toContain('unknown command "fetch"');
	});

	it("serve starts the host, prints its URL, answers, and stops on SIGTERM", async () => {
		const child: ChildProcess = spawn(bin("tsx"), ["scripts/feed.ts", "serve", "--port", "0", "--day", "2026-11-04"], {
			cwd: ROOT,
			env: childEnv(),
			stdio: ["ignore", "pipe", "pipe"],
		});
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let out = "";
				child.stdout?.on("data", (chunk: Buffer) => {
					out += chunk.toString();
					const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
					if (m) resolve(m[1] as string);
				});
				child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
			});
			expect((await get(`${url}/last-updated.txt`)).text).toBe(new SyntheticFeed().lastUpdated("2026-11-04"));
			const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
			child.kill("SIGTERM");
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill("SIGKILL");
		}
	});
});
