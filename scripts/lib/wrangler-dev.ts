import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { devOutputFilter } from "./dev-output";
import { bin, childEnv, ROOT } from "./local";

/** Whether anything answers HTTP at `base` (any status: a 503 before the first model still counts). */
export async function answers(base: string): Promise<boolean> {
	try {
		await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(2000) });
		return true;
	} catch {
		return false;
	}
}

/** A `wrangler dev` this process started. */
export type DevServer = { base: string; child: ChildProcess; stop: () => Promise<void> };

/**
 * Vars taken from this process's environment when set, so a local Worker can be pointed at a
 * local feed host without editing .dev.vars: `TCGCSV_BASE_URL=http://127.0.0.1:8790 npm start`.
 */
const PASSED_VARS = ["TCGCSV_BASE_URL"] as const;

/** `--var NAME:VALUE` arguments for the passed vars that are set. */
export const passedVars = (env: NodeJS.ProcessEnv = process.env) =>
	PASSED_VARS.flatMap((name) => (env[name] ? ["--var", `${name}:${env[name]}`] : []));

/** The guard that stops `wrangler dev` (and its workerd) when this process goes away, however it goes. */
const GUARD = join(ROOT, "scripts", "lib", "guard.mjs");

/**
 * Starts `wrangler dev` on 127.0.0.1:`port` and resolves once it answers. It runs under a guard
 * (scripts/lib/guard.mjs) holding its own process group, which stops the whole group when this
 * process exits, even when it is killed outright, so no Worker is left holding the port.
 * `output: "inherit"` shows its logs; "filtered" shows only real problems (dev-output.ts); "quiet"
 * keeps them for the error message if it dies first.
 */
export async function startWranglerDev(
	port: number,
	options: {
		output?: "inherit" | "filtered" | "quiet";
		args?: string[];
		timeoutMs?: number;
		pidFile?: string;
	} = {},
): Promise<DevServer> {
	const base = `http://localhost:${port}`;
	const inherit = options.output === "inherit";
	const child = spawn(
		process.execPath,
		[
			GUARD,
			bin("wrangler"),
			"dev",
			"--port",
			String(port),
			"--ip",
			"127.0.0.1",
			...passedVars(),
			...(options.args ?? []),
		],
		{
			cwd: ROOT,
			env: childEnv(options.pidFile ? { POKEWATCH_PID_FILE: options.pidFile } : {}),
			// stdin stays open: its end tells the guard this process is gone.
			stdio: ["pipe", inherit ? "inherit" : "pipe", inherit ? "inherit" : "pipe"],
		},
	);
	let log = "";
	const keep = options.output === "filtered" ? devOutputFilter() : null;
	for (const [stream, out] of [
		[child.stdout, process.stdout],
		[child.stderr, process.stderr],
	] as const) {
		let partial = "";
		stream?.on("data", (chunk: Buffer) => {
			const text = chunk.toString();
			log = (log + text).slice(-4000);
			if (!keep) return;
			const lines = (partial + text).split("\n");
			partial = lines.pop() ?? "";
			for (const line of lines) if (keep(line)) out.write(`${line}\n`);
		});
	}
	let exited = false;
	child.on("exit", () => {
		exited = true;
	});
	const stop = () =>
		new Promise<void>((resolve) => {
			if (exited || child.pid === undefined) return resolve();
			child.once("exit", () => resolve());
			// The guard stops wrangler's whole process group, then exits.
			try {
				child.kill("SIGTERM");
			} catch {
				resolve();
			}
		});
	const deadline = Date.now() + (options.timeoutMs ?? 120_000);
	while (!(await answers(base))) {
		if (exited) throw new Error(`wrangler dev exited before it answered:\n${log}`);
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`wrangler dev did not answer on ${base} in time:\n${log}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return { base, child, stop };
}
