/**
 * A local HTTP host of the TCGCSV feed for tests and local runs: `/last-updated.txt` and the
 * three `/tcgplayer/…` routes for its current day from any FeedModel, plus control endpoints
 * (day, faults, request log, reset), all of them also under `/s/<scope>/…` with state of their own.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type FeedModel, stampTime } from "./feed-model";
import { type DayState, type FeedFault, type FeedRequest, HostScope } from "./host-scope";

export type { DayState, FeedFault, FeedRequest } from "./host-scope";

/** How to start a host: the model, the day it serves first, where it listens (an ephemeral loopback port by default). */
export type FeedHostOptions = { feed: FeedModel; day: string; port?: number; host?: string };

/** One scope's handle: the same controls as its endpoints, for tests in the same process. */
export type FeedScopeHandle = {
	readonly name: string;
	/** The scope's base URL: a client's feed base (`${url}/tcgplayer/3/groups`). */
	readonly url: string;
	setDay(day: string, options?: { published?: boolean }): DayState;
	state(): DayState;
	setFaults(faults: readonly FeedFault[]): void;
	setDown(down: boolean): void;
	requests(): FeedRequest[];
	reset(): void;
};

/** A running host: the default scope's handle, other scopes, and close. */
export type FeedHost = FeedScopeHandle & {
	readonly port: number;
	scope(name: string): FeedScopeHandle;
	close(): Promise<void>;
};

const SCOPE = /^\/s\/([A-Za-z0-9_.-]{1,64})(\/.*)?$/;
const GROUPS = /^\/tcgplayer\/(\d{1,9})\/groups$/;
const GROUP_FILE = /^\/tcgplayer\/(\d{1,9})\/(\d{1,9})\/(products|prices)$/;
const JSON_TYPE = "application/json";
const MAX_CONTROL_BODY = 1 << 20;

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
	res.writeHead(status, { "content-type": JSON_TYPE, ...headers });
	res.end(body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	let text = "";
	for await (const chunk of req) {
		text += chunk;
		if (text.length > MAX_CONTROL_BODY) throw new SyntaxError("control body over 1 MB");
	}
	return text ? JSON.parse(text) : {};
}

/** Starts the host; resolves once it listens. */
export async function startFeedHost(options: FeedHostOptions): Promise<FeedHost> {
	const { feed } = options;
	const scopes = new Map<string, HostScope>([["default", new HostScope(options.day)]]);
	const scopeOf = (name: string) => {
		let scope = scopes.get(name);
		if (!scope) {
			scope = new HostScope((scopes.get("default") as HostScope).state().day);
			scopes.set(name, scope);
		}
		return scope;
	};

	/** A feed route's answer for the scope's served day, or null for an unknown path. */
	async function serveFeed(path: string, day: string): Promise<{ body: string; type: string } | null> {
		if (path === "/last-updated.txt") return { body: await feed.lastUpdated(day), type: "text/plain" };
		const groups = GROUPS.exec(path);
		if (groups) {
			const body = await feed.groups(Number(groups[1]), day);
			return body === null ? null : { body, type: JSON_TYPE };
		}
		const file = GROUP_FILE.exec(path);
		if (!file) return null;
		const [, category, group, kind] = file;
		const body = await (kind === "products" ? feed.products : feed.prices).call(
			feed,
			Number(category),
			Number(group),
			day,
		);
		return body === null ? null : { body, type: JSON_TYPE };
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? "/", "http://feed.local");
		const scoped = SCOPE.exec(url.pathname);
		const scope = scopeOf(scoped ? (scoped[1] as string) : "default");
		const path = scoped ? (scoped[2] ?? "/") : url.pathname;
		const method = req.method ?? "GET";
		if (path.startsWith("/__control/")) {
			let body: unknown = {};
			if (method === "POST") {
				try {
					body = await readJson(req);
				} catch (error) {
					return send(res, 400, JSON.stringify({ error: `bad control body: ${(error as Error).message}` }));
				}
			}
			const answer = scope.control(method, path.slice("/__control/".length), body);
			if (!answer) return send(res, 404, JSON.stringify({ error: "no such control endpoint", path }));
			return send(res, answer.status, JSON.stringify(answer.body));
		}
		const entry: FeedRequest = {
			method,
			path: `${path}${url.search}`,
			userAgent: req.headers["user-agent"] ?? null,
			at: new Date().toISOString(),
			status: 0,
		};
		scope.log.push(entry);
		const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
			entry.status = status;
			send(res, status, body, headers);
		};
		if (scope.down) return reply(503, JSON.stringify({ error: "the feed is down (synthetic)", status: 503 }));
		const fault = scope.takeFault(path);
		if (fault) {
			if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
			return reply(fault.status, fault.body ?? JSON.stringify({ error: "injected fault", status: fault.status }));
		}
		if (method !== "GET" && method !== "HEAD")
			return reply(405, JSON.stringify({ error: `${method} is not allowed`, path }), { allow: "GET, HEAD" });
		const day = scope.state().servedDay;
		const found = await serveFeed(path, day);
		if (!found) return reply(404, JSON.stringify({ error: "not found", path }));
		const published = stampTime(await feed.lastUpdated(day));
		reply(200, found.body, {
			"content-type": found.type,
			...(published ? { "last-modified": published.toUTCString() } : {}),
		});
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) send(res, 500, JSON.stringify({ error: error.message }));
			else res.destroy(error);
		});
	});
	const host = options.host ?? "127.0.0.1";
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
	const handleOf = (name: string, url: string): FeedScopeHandle => ({
		name,
		url,
		setDay: (day, o) => scopeOf(name).setDay(day, o?.published ?? true),
		state: () => scopeOf(name).state(),
		setFaults: (faults) => scopeOf(name).setFaults(faults),
		setDown: (down) => {
			scopeOf(name).down = down;
		},
		requests: () => [...scopeOf(name).log],
		reset: () => scopeOf(name).reset(),
	});
	return {
		...handleOf("default", base),
		port,
		scope: (name) => {
			if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
				throw new RangeError(`a scope name is 1-64 of A-Z a-z 0-9 _ . -, got "${name}"`);
			return handleOf(name, `${base}/s/${name}`);
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
