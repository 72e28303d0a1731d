import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { placeholdersFor } from "../../scripts/lib/deploy-config";

const ROOT = join(import.meta.dirname, "..", "..");

describe("deploy guard", () => {
	it("finds the placeholder ids left in each environment of wrangler.toml", () => {
		const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
		expect(placeholdersFor(toml, "staging")).toEqual(
			expect.arrayContaining(["REPLACE_WITH_STAGING_KV_NAMESPACE_ID", "REPLACE_WITH_STAGING_D1_DATABASE_ID"]),
		);
		expect(placeholdersFor(toml, "production").every((p) => p.includes("PRODUCTION"))).toBe(true);
		expect(placeholdersFor(toml, "nowhere")).toEqual(["[env.nowhere] section"]);
	});

	it("sees a filled-in environment as ready", () => {
		const toml = `[env.staging]\nkv_namespaces = [{ binding = "API_KEYS", id = "abc" }]\n[env.staging.vars]\nX = "1"\n[env.production]\nid = "REPLACE_WITH_PRODUCTION_X"\n`;
		expect(placeholdersFor(toml, "staging")).toEqual([]);
		expect(placeholdersFor(toml, "production")).toEqual(["REPLACE_WITH_PRODUCTION_X"]);
	});

	it("refuses to deploy with placeholder ids, before touching the network", () => {
		const res = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/deploy.ts", "--env", "staging"], {
			cwd: ROOT,
			encoding: "utf8",
			env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
		});
		expect(res.status).toBe(1);
		expect(res.stderr).toContain("placeholders for staging");
	});

	it("refuses an unknown environment with usage", () => {
		const res = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/deploy.ts", "--env", "prod"], {
			cwd: ROOT,
			encoding: "utf8",
		});
		expect(res.status).toBe(2);
		expect(res.stderr).toContain("usage: npm run deploy");
	});
});
