/**
 * What `npm start` shows of `wrangler dev`'s output: real problems, not its banner, its bindings
 * table, its offline warnings (`Request.cf` with their stack traces), its per-request lines or the
 * Worker's own request log (which `wrangler tail` and the logs are for). A line is kept when it is
 * a Worker log line at level "error", or when it is none of the known chatter: an unexpected line
 * from wrangler (an error, a crash) always shows.
 */
export function devOutputFilter(): (line: string) => boolean {
	// Inside a block of chatter (a bindings table, a warning with its indented body, a stack trace).
	let inBlock = false;
	return (raw) => {
		// biome-ignore lint/suspicious/noControlCharactersInRegex: wrangler colours its output with ANSI escapes.
		const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
		const t = line.trim();
		if (t.startsWith("{")) {
			try {
				return (JSON.parse(t) as { level?: string }).level === "error";
			} catch {
				return true;
			}
		}
		if (inBlock) {
			if (t === "" || /^\s/.test(line) || /^(env\.|Binding\s)/.test(t) || /^Error: getaddrinfo/.test(t)) return false;
			inBlock = false;
		}
		if (t === "" || /^⛅️ wrangler/.test(t) || /^─+$/.test(t) || /^⎔ /.test(t)) return false;
		if (/^\[wrangler:info\]/.test(t)) return false;
		if (/^Your Worker has access to the following bindings/.test(t)) {
			inBlock = true;
			return false;
		}
		if (
			/Unable to fetch the `Request\.cf` object/.test(t) ||
			/Scheduled Workers are not automatically triggered/.test(t)
		) {
			inBlock = true;
			return false;
		}
		return true;
	};
}
