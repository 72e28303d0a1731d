/**
 * The operator CLIs' way to the API: the local Worker (`npm start`'s, or one started for the
 * command) or a deployed environment (POKEWATCH_URL + POKEWATCH_API_KEY).
 */
import { readFile } from "node:fs/promises";
import { Agent, fetch } from "undici";
import { DEV_KEY_FILE, ensureDevKey } from "./dev-key";
import { bin, run } from "./local";
import { openLocalKv } from "./local-platform";
import { answers, startWranglerDev } from "./wrangler-dev";

/**
 * No headers or body timeout: a local Worker busy with a long pipeline step (all of it runs in one
 * workerd process) may take minutes to answer, and a CLI should wait rather than give up.
 */
const PATIENT = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** A wrong invocation or input: exit 2 with this message. */
export class UsageError extends Error {}

/** Where requests go and with which key. */
export type Target = { base: string; key: string; label: string };

/** A JSON answer (or problem) from the API. */
export type ApiAnswer<T = unknown> = { status: number; body: T };

/** A small client over fetch that always sends the key. */
export class Api {
	constructor(readonly target: Target) {}

	async request<T = unknown>(
		method: string,
		path: string,
		body?: unknown,
		contentType = "application/json",
	): Promise<ApiAnswer<T>> {
		const send = () =>
			fetch(`${this.target.base}${path}`, {
				dispatcher: PATIENT,
				method,
				headers: {
					"X-API-Key": this.target.key,
					...(body === undefined ? {} : { "content-type": contentType }),
				},
				...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
			});
		let res: Awaited<ReturnType<typeof fetch>>;
		for (let attempt = 1; ; attempt++) {
			try {
				res = await send();
				break;
			} catch (error) {
				// A local Worker busy with a long pipeline step can miss a connection: a read (GET) is
				// safe to ask again; anything else fails at once, with the cause.
				const cause = (error as { cause?: { message?: string } }).cause?.message;
				if (method !== "GET" || attempt >= 5)
					throw new Error(`${method} ${path} failed: ${cause ?? (error as Error).message}`);
				await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
			}
		}
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			// not JSON: keep the text
		}
		return { status: res.status, body: parsed as T };
	}
}

/** A problem body's one-line description, with its field errors. */
export function describeProblem(answer: ApiAnswer): string {
	const p = answer.body as { detail?: string; errors?: { location: string; message: string }[] } | string;
	if (typeof p === "string" || !p) return `HTTP ${answer.status}: ${String(p).slice(0, 300)}`;
	const lines = [`HTTP ${answer.status}: ${p.detail ?? "error"}`];
	for (const e of (p.errors ?? []).slice(0, 50)) lines.push(`  ${e.location}: ${e.message}`);
	return lines.join("\n");
}

/** A deployed environment: POKEWATCH_URL and POKEWATCH_API_KEY (an admin key) must be set. */
export function remoteTarget(environment: string): Target {
	if (environment !== "staging" && environment !== "production")
		throw new UsageError(`--env must be staging or production, got "${environment}"`);
	const base = process.env.POKEWATCH_URL?.replace(/\/+$/, "");
	const key = process.env.POKEWATCH_API_KEY?.trim();
	if (!base || !key)
		throw new UsageError(
			`--env ${environment} needs POKEWATCH_URL (the ${environment} Worker's URL) and POKEWATCH_API_KEY (an admin key)`,
		);
	return { base, key, label: `${environment} (${base})` };
}

/**
 * Runs `fn` against the local Worker on `port`: the one already running (`npm start`), else a
 * `wrangler dev` started for the command (migrations applied and the dev key ensured first,
 * while nothing else holds the local state) and stopped afterwards.
 */
export async function withLocalWorker<T>(port: number, fn: (target: Target) => Promise<T>): Promise<T> {
	const base = `http://localhost:${port}`;
	if (await answers(base)) {
		const key = process.env.POKEWATCH_DEV_KEY?.trim() || (await readFile(DEV_KEY_FILE, "utf8").catch(() => "")).trim();
		if (!key)
			throw new UsageError(
				`a Worker answers on ${base}, but there is no dev key in ${DEV_KEY_FILE}; restart npm start`,
			);
		return fn({ base, key, label: `local (${base})` });
	}
	console.log(`No Worker answers on ${base}: starting one for this command…`);
	await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"], { quiet: true });
	const platform = await openLocalKv();
	const { key } = await ensureDevKey(platform.env.API_KEYS).finally(() => platform.dispose());
	const dev = await startWranglerDev(port);
	try {
		return await fn({ base, key, label: `local (${base}, started for this command)` });
	} finally {
		await dev.stop();
	}
}

/** The local port: PORT, default 8787. */
export function localPort(): number {
	const port = Number(process.env.PORT ?? 8787);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		throw new UsageError(`PORT must be a TCP port number, got "${process.env.PORT}"`);
	return port;
}

/**
 * Runs a CLI's `main` and sets the exit status: its result, 2 for a usage error (printed
 * as is), 1 for anything else (printed as `error: …`).
 */
export async function runCli(main: () => Promise<number>): Promise<void> {
	try {
		process.exitCode = await main();
	} catch (error) {
		console.error(error instanceof UsageError ? error.message : `error: ${(error as Error).message}`);
		process.exitCode = error instanceof UsageError ? 2 : 1;
	}
}
