import { type ChildProcess, spawn } from "node:child_process";
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
 * Starts `wrangler dev` on 127.0.0.1:`port` (its own process group, so stopping it stops its
 * workerd too) and resolves once it answers. `output: "inherit"` shows its logs; "quiet" keeps
 * them for the error message if it dies first.
 */
export async function startWranglerDev(
	port: number,
	options: { output?: "inherit" | "quiet"; args?: string[]; timeoutMs?: number } = {},
): Promise<DevServer> {
	const base = `http://localhost:${port}`;
	const quiet = options.output !== "inherit";
	const child = spawn(bin("wrangler"), ["dev", "--port", String(port), "--ip", "127.0.0.1", ...(options.args ?? [])], {
		cwd: ROOT,
		env: childEnv(),
		stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
		detached: true,
	});
	let log = "";
	child.stdout?.on("data", (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4000);
	});
	child.stderr?.on("data", (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4000);
	});
	let exited = false;
	child.on("exit", () => {
		exited = true;
	});
	const stop = () =>
		new Promise<void>((resolve) => {
			if (exited || child.pid === undefined) return resolve();
			child.once("exit", () => resolve());
			try {
				process.kill(-child.pid, "SIGTERM");
			} catch {
				resolve();
			}
			setTimeout(() => {
				if (!exited && child.pid !== undefined) {
					try {
						process.kill(-child.pid, "SIGKILL");
					} catch {
						// already gone
					}
				}
			}, 10_000).unref();
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
