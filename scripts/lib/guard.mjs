// Runs a command in its own process group and stops that whole group when the parent goes away:
// the parent holds our stdin open, and its end (the parent exited, even killed with SIGKILL) is
// the signal. `npm start`'s Worker therefore never outlives it.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true });
// Where a later start can find this Worker's process group if something ever leaves it behind.
const pidFile = process.env.POKEWATCH_PID_FILE;
if (pidFile) writeFileSync(pidFile, `${child.pid}\n`);
const forget = () => {
	if (pidFile) rmSync(pidFile, { force: true });
};
let stopping = false;
const stop = (signal = "SIGTERM") => {
	if (stopping && signal === "SIGTERM") return;
	stopping = true;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
	setTimeout(() => {
		try {
			process.kill(-child.pid, "SIGKILL");
		} catch {
			// already gone
		}
		forget();
		process.exit(0);
	}, 5000).unref();
};
process.stdin.on("end", () => stop());
process.stdin.on("close", () => stop());
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop());
child.on("exit", (code) => {
	forget();
	process.exit(code ?? 0);
});
