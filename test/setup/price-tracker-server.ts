/**
 * A fake Pokémon Price Tracker API v2 for the tests: a real HTTP server on 127.0.0.1, started
 * once per `npm test` (vitest globalSetup), answering from test/fixtures/price-tracker in the
 * real response shape. Its port reaches the Worker through the PRICE_TRACKER_BASE_URL binding
 * (vitest.config.ts). See test/fixtures/price-tracker/README.md for the control endpoints.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "price-tracker");

type Answer = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };
type Scenario = { daily: number; cards: Record<string, Answer[]> };
type KeyState = { scenario: Scenario; counts: Map<string, number>; daily: number; requests: string[] };

declare module "vitest" {
	interface ProvidedContext {
		priceTrackerPort: number;
	}
}

const scenarios = JSON.parse(readFileSync(join(FIXTURES, "scenarios.json"), "utf8")) as Record<string, Scenario>;
const fixture = (path: string) => readFileSync(join(FIXTURES, path), "utf8");

function stateFor(states: Map<string, KeyState>, token: string): KeyState {
	let state = states.get(token);
	if (!state) {
		const scenario = scenarios.happy as Scenario;
		state = { scenario, counts: new Map(), daily: scenario.daily, requests: [] };
		states.set(token, state);
	}
	return state;
}

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
	res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
	res.end(body);
};

async function readBody(req: IncomingMessage): Promise<string> {
	let body = "";
	for await (const chunk of req) body += chunk;
	return body;
}

/**
 * Keeps only the last `days` days of every condition's history (as the API's `days` does), or
 * none at all without `includeHistory=true` (the API then answers today's prices alone).
 */
function trimHistory(text: string, days: number, withHistory: boolean): string {
	const body = JSON.parse(text);
	if (!withHistory) {
		if (body?.data) delete body.data.priceHistory;
		return JSON.stringify(body);
	}
	const conditions = body?.data?.priceHistory?.conditions ?? {};
	for (const condition of Object.values(conditions) as { history: { date: string }[] }[]) {
		const last = condition.history.at(-1)?.date;
		if (!last) continue;
		const from = new Date(Date.parse(last) - (days - 1) * 86_400_000).toISOString();
		condition.history = condition.history.filter((p) => p.date >= from);
	}
	return JSON.stringify(body);
}

async function handleCards(req: IncomingMessage, res: ServerResponse, url: URL, states: Map<string, KeyState>) {
	const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
	if (!token.startsWith("ppt_test_")) return send(res, 401, fixture("errors/401.json"));
	const state = stateFor(states, token);
	state.requests.push(url.search);
	const id = url.searchParams.get("tcgPlayerId") ?? "";
	const limit = url.searchParams.get("limit");
	const days = Number(url.searchParams.get("days") ?? "30");
	state.daily = Math.max(0, state.daily - 1);
	const rate = { "X-RateLimit-Daily-Remaining": String(state.daily), "X-RateLimit-Minute-Remaining": "59" };
	if (limit === null)
		return send(res, 400, JSON.stringify({ error: "Bad Request", message: "limit is required" }), rate);
	const sequence = state.scenario.cards[id] ?? state.scenario.cards["*"];
	const n = state.counts.get(id) ?? 0;
	state.counts.set(id, n + 1);
	const answer: Answer = sequence ? (sequence[Math.min(n, sequence.length - 1)] as Answer) : { status: 200 };
	if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
	if (res.destroyed) return;
	const headers = Object.fromEntries(
		Object.entries(answer.headers ?? {}).map(([k, v]) => [
			k,
			v.replace(/\{\{now\+(\d+)\}\}/, (_, s) => String(Math.ceil(Date.now() / 1000) + Number(s))),
		]),
	);
	if (answer.body) return send(res, answer.status, fixture(answer.body), { ...rate, ...headers });
	let text: string;
	try {
		text = fixture(`cards/${id}.json`);
	} catch {
		return send(res, 404, fixture("errors/404.json"), rate);
	}
	const withHistory = url.searchParams.get("includeHistory") === "true";
	return send(res, answer.status, trimHistory(text, days, withHistory), { ...rate, ...headers });
}

export default async function setup(project: TestProject) {
	const states = new Map<string, KeyState>();
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		try {
			if (req.method === "GET" && url.pathname === "/api/v2/cards") return handleCards(req, res, url, states);
			if (req.method === "POST" && url.pathname === "/__control/scenario") {
				const { token, scenario } = JSON.parse(await readBody(req)) as { token: string; scenario: string };
				const chosen = scenarios[scenario];
				if (!chosen) return send(res, 400, JSON.stringify({ error: `unknown scenario ${scenario}` }));
				states.set(token, { scenario: chosen, counts: new Map(), daily: chosen.daily, requests: [] });
				return send(res, 204, "");
			}
			if (req.method === "GET" && url.pathname === "/__control/requests") {
				return send(res, 200, JSON.stringify(states.get(url.searchParams.get("token") ?? "")?.requests ?? []));
			}
			return send(res, 404, fixture("errors/404.json"));
		} catch (error) {
			return send(res, 500, JSON.stringify({ error: String(error) }));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	project.provide("priceTrackerPort", (server.address() as { port: number }).port);
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
