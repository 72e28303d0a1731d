/** The `REPLACE_WITH_…` placeholders left in an environment's section of wrangler.toml. */
export function placeholdersFor(toml: string, env: string): string[] {
	const start = toml.indexOf(`[env.${env}]`);
	if (start < 0) return [`[env.${env}] section`];
	const next = toml.slice(start + 1).search(/^\[env\.(?!\w+\.)/m);
	const section = next < 0 ? toml.slice(start) : toml.slice(start, start + 1 + next);
	return [...new Set(section.match(/REPLACE_WITH_[A-Z0-9_]+/g) ?? [])];
}
