/**
 * `npm run deploy -- --env staging|production`: applies the D1 migrations to that
 * environment's remote database, then deploys the Worker. Refuses to run while wrangler.toml
 * still holds placeholder ids for the environment (README "Deploy", one-time set-up).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { placeholdersFor } from "./lib/deploy-config";
import { bin, ROOT, run } from "./lib/local";

const USAGE = "usage: npm run deploy -- --env staging|production [--dry-run]";
if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}
let values: { env?: string; "dry-run"?: boolean };
try {
	values = parseArgs({ options: { env: { type: "string" }, "dry-run": { type: "boolean", default: false } } }).values;
} catch (error) {
	console.error(`${(error as Error).message}\n${USAGE}`);
	process.exit(2);
}
const environment = values.env;
if (environment !== "staging" && environment !== "production") {
	console.error(USAGE);
	process.exit(2);
}

const missing = placeholdersFor(await readFile(join(ROOT, "wrangler.toml"), "utf8"), environment);
if (missing.length > 0) {
	console.error(
		`wrangler.toml still has placeholders for ${environment}: ${missing.join(", ")}.\n` +
			"Create the resources once (README, Deploy) and put their ids in wrangler.toml.",
	);
	process.exit(1);
}

const wrangler = bin("wrangler");
console.log(`1/2 applying D1 migrations to ${environment}…`);
await run(wrangler, ["d1", "migrations", "apply", "DB", "--remote", "--env", environment]);
console.log(`2/2 deploying the Worker to ${environment}…`);
await run(wrangler, ["deploy", "--env", environment, ...(values["dry-run"] ? ["--dry-run"] : [])]);
console.log(`Deployed. Follow the logs with: npx wrangler tail --env ${environment} --format json`);
