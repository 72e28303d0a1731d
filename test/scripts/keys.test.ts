import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";

// The operator CLI end to end: each call is a real `tsx scripts/keys.ts` process on a local
// store in a temporary directory (a few seconds each, so the steps share one store, in order).

let store: string;

/** Runs `npm run keys -- ...args` against the temporary store; never rejects. */
function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(
			bin("tsx"),
			["scripts/keys.ts", ...args, "--persist-to", store],
			{ cwd: ROOT, env: childEnv(), timeout: 45_000 },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
				resolve({ code, stdout, stderr });
			},
		);
	});
}

const DEV_KEY = /pk_dev_[0-9A-Za-z]{32,64}/g;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

beforeAll(async () => {
	store = await mkdtemp(join(tmpdir(), "pokewatch-keys-"));
});

afterAll(async () => {
	await rm(store, { recursive: true, force: true });
});

describe("npm run keys", () => {
	let key = "";
	let id = "";
	let rotatedKey = "";
	let rotatedId = "";

	it("generate prints a new pk_dev_ key, once", async () => {
		const out = await keys("generate", "--name", "cli test", "--scopes", "read,admin", "--burst", "7");
		expect(out.code, out.stderr).toBe(0);
		const printed = out.stdout.match(DEV_KEY) ?? [];
		expect(printed).toHaveLength(1);
		key = printed[0] as string;
		expect(out.stdout).toMatch(/shown once/);
		id = /Created (key_\w+) \(cli test, scopes read,admin\)/.exec(out.stdout)?.[1] ?? "";
		expect(id).not.toBe("");
	});

	it("validate exits 0 for that key", async () => {
		const out = await keys("validate", key);
		expect(out.code, out.stderr).toBe(0);
		expect(out.stdout.trim()).toBe(`valid: ${id} (cli test), scopes read,admin`);
	});

	it("rotate prints a new key; the old one stays valid for its grace period", async () => {
		const out = await keys("rotate", id, "--grace-hours", "2");
		expect(out.code, out.stderr).toBe(0);
		const printed = out.stdout.match(DEV_KEY) ?? [];
		expect(printed).toHaveLength(1);
		rotatedKey = printed[0] as string;
		expect(rotatedKey).not.toBe(key);
		rotatedId = new RegExp(`Created (key_\\w+) to replace ${id}`).exec(out.stdout)?.[1] ?? "";
		expect(rotatedId).not.toBe("");

		const old = await keys("validate", key);
		expect(old.code, old.stdout).toBe(0);
	});

	it("update changes only the limits given, and sets or removes the daily quota", async () => {
		const set = await keys("update", id, "--burst", "3", "--requests-per-day", "500", "--json");
		expect(set.code, set.stderr).toBe(0);
		expect(JSON.parse(set.stdout)).toMatchObject({
			id,
			limits: { requests_per_minute: 60, burst: 3, requests_per_day: 500 },
		});
		const cleared = await keys("update", id, "--requests-per-day", "none");
		expect(cleared.code, cleared.stderr).toBe(0);
		expect(cleared.stdout).toContain(`Updated ${id} (cli test): 60/min, burst 3, no daily quota`);
	});

	it("update without a change, or with a bad number, is a usage error", async () => {
		const none = await keys("update", id);
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/at least one of/);
		const bad = await keys("update", id, "--requests-per-day", "lots");
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--requests-per-day must be a positive whole number/);
	});

	it("rotate refuses a key that already has a successor, and names it", async () => {
		const again = await keys("rotate", id);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain(`${id} was already rotated to ${rotatedId}`);
	});

	it("remove revokes: validate then exits 1", async () => {
		const removed = await keys("remove", rotatedId);
		expect(removed.code, removed.stderr).toBe(0);
		expect(removed.stdout).toContain(`Revoked ${rotatedId}`);
		const out = await keys("validate", rotatedKey);
		expect(out.code).toBe(1);
		expect(out.stdout).toContain(`invalid: revoked (${rotatedId}`);
	});

	it("remove on a key already revoked says so and exits 1", async () => {
		const again = await keys("remove", rotatedId);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain(`${rotatedId} (cli test) was already revoked at`);
	});

	it("update refuses a revoked key and leaves it revoked", async () => {
		const out = await keys("update", rotatedId, "--rpm", "5");
		expect(out.code).toBe(1);
		expect(out.stderr).toContain(`${rotatedId} is revoked`);
		expect((await keys("validate", rotatedKey)).code).toBe(1);
	});

	it("generate takes a daily quota", async () => {
		const out = await keys("generate", "--name", "quota", "--requests-per-day", "1000", "--json");
		expect(out.code, out.stderr).toBe(0);
		expect(JSON.parse(out.stdout)).toMatchObject({
			name: "quota",
			limits: { requests_per_minute: 60, burst: 10, requests_per_day: 1000 },
		});
	});

	it("--help describes every command and where changes go", async () => {
		const out = await keys("--help");
		expect(out.code).toBe(0);
		for (const word of [
			"generate",
			"list",
			"validate",
			"update",
			"remove",
			"rotate",
			"--requests-per-day",
			"KeyWriter",
		])
			expect(out.stdout).toContain(word);
	});

	it("validate exits 1 for an unknown key", async () => {
		const out = await keys("validate", `pk_dev_${"Z".repeat(40)}`);
		expect(out.code).toBe(1);
		expect(out.stdout.trim()).toBe("invalid: unknown key");
	});

	it("list shows id, name, prefix, scopes and status, never a hash or a secret", async () => {
		const out = await keys("list");
		expect(out.code, out.stderr).toBe(0);
		const lines = out.stdout.trim().split("\n");
		expect(lines[0]).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES\s+CREATED\s+EXPIRES\s+LAST USED\s+STATUS\s*$/);
		const row = (keyId: string) => lines.find((line) => line.startsWith(keyId)) ?? "";
		expect(row(id)).toMatch(
			new RegExp(`^${id}\\s+cli test\\s+${key.slice(0, 11)}\\s+read,admin\\s+.*\\brotating\\s*$`),
		);
		expect(row(rotatedId)).toMatch(
			new RegExp(`^${rotatedId}\\s+cli test\\s+${rotatedKey.slice(0, 11)}\\s+read,admin\\s+.*\\brevoked\\s*$`),
		);
		for (const secret of [key, rotatedKey]) {
			expect(out.stdout).not.toContain(secret.slice(11));
			expect(out.stdout).not.toContain(sha256(secret));
		}
		expect(out.stdout).not.toMatch(/[0-9a-f]{64}/);
	});
});
