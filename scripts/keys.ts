/**
 * Manage PokeWatch API keys.
 *
 *   npm run keys -- generate --name NAME [--scopes read,admin] [--rpm 60] [--burst 10] [--expires-in-days N]
 *   npm run keys -- list [--json]
 *   npm run keys -- validate KEY
 *   npm run keys -- remove ID            (revokes; the record stays listed)
 *   npm run keys -- rotate ID [--grace-hours 24]
 *
 * Without --env it works on the local store that `npm start` uses (.wrangler/state); with
 * --env staging|production it works on that environment's KV namespace through wrangler.
 */
import { parseArgs } from "node:util";
import { getConfig } from "../src/config";
import { isWellFormedKey, type KeyEnv, keyEnvFor, SCOPES, type Scope } from "../src/lib/api-keys";
import { type KeyRecord, KeyStore, type KeyValueStore, recordState } from "../src/lib/key-store";
import { openLocalKv } from "./lib/local-platform";
import { WranglerKv } from "./lib/wrangler-kv";

const USAGE = `usage: npm run keys -- <generate|list|validate|remove|rotate> [options] [--env staging|production] [--persist-to DIR]`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}

class UsageError extends Error {}

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		env: { type: "string" },
		"persist-to": { type: "string" },
		name: { type: "string" },
		scopes: { type: "string", default: "read" },
		rpm: { type: "string" },
		burst: { type: "string" },
		"expires-in-days": { type: "string" },
		"grace-hours": { type: "string" },
		json: { type: "boolean", default: false },
	},
});

function positiveInt(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
	return n;
}

/** The store to work on, its key tag and defaults, and a cleanup. */
async function openStore(): Promise<{
	kv: KeyValueStore;
	keyEnv: KeyEnv;
	defaults: { rpm: number; burst: number; graceHours: number };
	close: () => Promise<void>;
}> {
	if (values.env !== undefined) {
		if (values.env !== "staging" && values.env !== "production")
			throw new UsageError(`--env must be staging or production, got "${values.env}"`);
		return {
			kv: new WranglerKv(values.env),
			keyEnv: keyEnvFor(values.env),
			defaults: { rpm: 60, burst: 10, graceHours: 24 },
			close: async () => {},
		};
	}
	const platform = await openLocalKv(values["persist-to"]);
	const config = getConfig(platform.env);
	return {
		kv: platform.env.API_KEYS,
		keyEnv: keyEnvFor(config.ENVIRONMENT),
		defaults: {
			rpm: config.RATE_LIMIT_PER_MINUTE,
			burst: config.RATE_LIMIT_BURST,
			graceHours: config.KEY_ROTATION_GRACE_HOURS,
		},
		close: () => platform.dispose(),
	};
}

const status = (r: KeyRecord) => recordState(r, new Date()) ?? (r.grace_until ? "rotating" : "active");

function printTable(records: KeyRecord[]) {
	const rows = records.map((r) => [
		r.id,
		r.name,
		r.prefix,
		r.scopes.join(","),
		r.created_at.slice(0, 19),
		r.expires_at?.slice(0, 19) ?? "never",
		r.last_used_at?.slice(0, 19) ?? "never",
		status(r),
	]);
	const header = ["ID", "NAME", "PREFIX", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS"];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
	for (const row of [header, ...rows])
		console.log(
			row
				.map((cell, i) => cell.padEnd(widths[i] as number))
				.join("  ")
				.trimEnd(),
		);
	if (rows.length === 0) console.log("(no keys)");
}

async function main(): Promise<number> {
	const [command, arg] = positionals;
	if (!command) throw new UsageError(USAGE);
	const { kv, keyEnv, defaults, close } = await openStore();
	const store = new KeyStore(kv);
	try {
		switch (command) {
			case "generate": {
				if (!values.name) throw new UsageError("generate needs --name");
				const scopes = values.scopes.split(",").map((s) => s.trim());
				const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
				if (bad.length) throw new UsageError(`unknown scope(s): ${bad.join(", ")} (use ${SCOPES.join(", ")})`);
				const days = positiveInt("expires-in-days", values["expires-in-days"]);
				const { key, record } = await store.create(
					{
						name: values.name,
						scopes: scopes as Scope[],
						limits: {
							requests_per_minute: positiveInt("rpm", values.rpm) ?? defaults.rpm,
							burst: positiveInt("burst", values.burst) ?? defaults.burst,
						},
						...(days ? { expires_at: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
					},
					keyEnv,
				);
				if (values.json) console.log(JSON.stringify({ key, ...record }));
				else
					console.log(
						`Created ${record.id} (${record.name}, scopes ${record.scopes.join(",")}).\nKey (shown once, store it now):\n\n  ${key}\n`,
					);
				return 0;
			}
			case "list": {
				const records = await store.list();
				if (values.json) console.log(JSON.stringify(records, null, 2));
				else printTable(records);
				return 0;
			}
			case "validate": {
				if (!arg) throw new UsageError("validate needs a KEY");
				if (!isWellFormedKey(arg, keyEnv)) {
					console.log(`invalid: not a well-formed pk_${keyEnv}_ key`);
					return 1;
				}
				const record = await store.findByKey(arg);
				if (!record) {
					console.log("invalid: unknown key");
					return 1;
				}
				const state = recordState(record, new Date());
				console.log(
					state
						? `invalid: ${state} (${record.id}, ${record.name})`
						: `valid: ${record.id} (${record.name}), scopes ${record.scopes.join(",")}`,
				);
				return state ? 1 : 0;
			}
			case "remove": {
				if (!arg) throw new UsageError("remove needs a key ID");
				const before = await store.findById(arg);
				if (before?.record.revoked_at) {
					console.error(
						`${arg} (${before.record.name}) was already revoked at ${before.record.revoked_at}; nothing changed.`,
					);
					return 1;
				}
				const record = await store.revoke(arg);
				if (!record) {
					console.error(`no key with id ${arg}`);
					return 1;
				}
				console.log(
					`Revoked ${record.id} (${record.name}) at ${record.revoked_at}. Deployed Workers refuse it within 60 s.`,
				);
				return 0;
			}
			case "rotate": {
				if (!arg) throw new UsageError("rotate needs a key ID");
				const hours = values["grace-hours"] === undefined ? defaults.graceHours : Number(values["grace-hours"]);
				if (!Number.isFinite(hours) || hours < 0) throw new UsageError(`--grace-hours must be a number >= 0`);
				const rotated = await store.rotate(arg, keyEnv, hours * 3600);
				if (!rotated) {
					console.error(`no usable key with id ${arg} (unknown, revoked, expired or already rotated)`);
					return 1;
				}
				if (values.json)
					console.log(JSON.stringify({ key: rotated.key, ...rotated.record, previous: rotated.previous }));
				else
					console.log(
						`Created ${rotated.record.id} to replace ${arg}, which keeps working until ${rotated.previous.grace_until}.\nNew key (shown once):\n\n  ${rotated.key}\n`,
					);
				return 0;
			}
			default:
				throw new UsageError(`unknown command "${command}"\n${USAGE}`);
		}
	} finally {
		await close();
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	console.error(error instanceof UsageError ? error.message : `error: ${(error as Error).message}`);
	process.exitCode = 2;
}
