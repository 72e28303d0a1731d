import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (scripts run from anywhere). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Path of a binary installed in node_modules/.bin. */
export const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

/** Environment for wrangler children: no telemetry, and the project's Node 22 first on PATH. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
		...extra,
	};
}

/** Runs a command to completion, streaming its output; rejects on a non-zero exit. */
export function run(
	command: string,
	args: string[],
	options: { quiet?: boolean; stdoutOnly?: boolean } = {},
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
		let output = "";
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			if (!options.quiet) process.stdout.write(chunk);
		};
		child.stdout.on("data", onData);
		child.stderr.on("data", (chunk: Buffer) => {
			if (options.stdoutOnly) {
				if (!options.quiet) process.stderr.write(chunk);
			} else onData(chunk);
		});
		child.on("error", reject);
		child.on("close", (code) => {
			if (code === 0) resolve(output);
			else reject(new Error(`${command} ${args.join(" ")} exited with ${code}\n${options.quiet ? output : ""}`));
		});
	});
}
