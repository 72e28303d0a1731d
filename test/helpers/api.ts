import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { z } from "zod";
import { Problem } from "../../src/api/schemas/common";
import { TEST_KEY } from "./keys";

/** The origin every integration request is sent to; the Worker ignores it. */
export const ORIGIN = "http://pokewatch.test";

/** Headers every integration request carries unless the test sets its own: the suite's API key. */
export const DEFAULT_HEADERS: Readonly<Record<string, string>> = { "X-API-Key": TEST_KEY };

/** Sends a request to the Worker's own fetch handler, as a client would. */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	for (const [name, value] of Object.entries(DEFAULT_HEADERS)) {
		if (!headers.has(name)) headers.set(name, value);
	}
	return exports.default.fetch(`${ORIGIN}${path}`, { ...init, headers });
}

/** POSTs `body` as JSON. */
export function postJson(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	if (!headers.has("content-type")) headers.set("content-type", "application/json");
	return api(path, { ...init, method: "POST", headers, body: JSON.stringify(body) });
}

/** Asserts a 2xx JSON response and parses its body with the API's own schema. */
export async function readJson<S extends z.ZodType>(res: Response, schema: S, status = 200): Promise<z.infer<S>> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
	return schema.parse(JSON.parse(text));
}

/**
 * Asserts an RFC 9457 problem with `status` (and `code` when given): the media type, the shape,
 * the status in the body, and `instance` naming the response's X-Request-ID.
 */
export async function expectProblem(res: Response, status: number, code?: string): Promise<Problem> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	const problem = Problem.parse(JSON.parse(text));
	expect(problem.status).toBe(status);
	if (code !== undefined) {
		expect(problem.code).toBe(code);
		expect(problem.type).toBe(`https://pokewatch.dev/problems/${code}`);
	}
	const requestId = res.headers.get("x-request-id");
	expect(requestId).toBeTruthy();
	expect(problem.instance).toBe(`urn:request:${requestId}`);
	return problem;
}

/** The `location`s a validation problem names. */
export const locations = (problem: Problem) => (problem.errors ?? []).map((e) => e.location);

/** Every item of a list route (the `{data, next_cursor}` envelope), page by page. */
export async function listAll<T>(path: string, schema: z.ZodType<{ data: T[]; next_cursor: string | null }>) {
	const items: T[] = [];
	let cursor: string | null = null;
	const sep = path.includes("?") ? "&" : "?";
	do {
		const page: { data: T[]; next_cursor: string | null } = await readJson(
			await api(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ""}`),
			schema,
		);
		items.push(...page.data);
		cursor = page.next_cursor;
	} while (cursor);
	return items;
}
