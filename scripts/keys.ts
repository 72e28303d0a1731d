/**
 * Manage PokeWatch API keys (`npm run keys -- --help` prints the commands). Every change goes
 * through the key's writer, the KeyWriter Durable Object that orders a key's changes:
 *
 * - locally, with no Worker running: the writer in workerd over the state `npm start` uses;
 * - locally, while `npm start` runs: that Worker's admin API (with the saved dev key);
 * - with --env staging|production: that deployment's admin API (POKEWATCH_URL, POKEWATCH_API_KEY),
 *   except new keys, which are written to its KV through wrangler (a new id races nothing).
 *
 * Reads come from KV's read copy (through the API's listing while npm start runs).
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Config, getConfig } from "../src/config";
import { isWellFormedKey, keyEnvFor, SCOPES, type Scope } from "../src/keys/api-keys";
import { recordState } from "../src/keys/changes";
import { KeyStore } from "../src/keys/store";
import type { KeyPatch, KeyRecord } from "../src/keys/types";
import { Api, localPort, remoteTarget, UsageError } from "./lib/api-client";
import { DEV_KEY_FILE } from "./lib/dev-key";
import { ApiKeyAdmin, type KeyAdmin, type KeyRequest, RemoteKeyAdmin, WriterKeyAdmin } from "./lib/key-admin";
import { openLocalKeyWriter } from "./lib/local-key-writer";
import { openLocalKv } from "./lib/local-platform";
import { answers } from "./lib/wrangler-dev";
import { WranglerKv } from "./lib/wrangler-kv";

const USAGE = `usage: npm run keys -- <command> [options] [--env staging|production] [--persist-to DIR]

commands:
  generate --name NAME [--scopes read,admin] [--rpm N] [--burst N] [--requests-per-day N]
           [--expires-in-days N]     issue a key; its secret is printed once
  list [--json]                      every key with its status and last use
  validate KEY                       exit 0 when KEY is usable now, 1 when not (and why)
  update ID [--name NAME] [--rpm N] [--burst N] [--requests-per-day N|none]
           [--expires-in-days N|never]
                                     change a key's limits, name or expiry; only the options
                                     given change ("none" removes the daily quota)
  remove ID                          revoke a key for good (exit 1 if it already was)
  rotate ID [--grace-hours H]        issue its replacement; the old key works H more hours
                                     (default KEY_ROTATION_GRACE_HOURS, 24); once per key

Every change goes through the key's writer (the KeyWriter Durable Object), so changes to one key
never overwrite each other and a revoked key stays revoked. Deployed Workers see a change within
60 s. Where changes go:
  (no --env)          the local state of npm start (.wrangler/state/v3, or --persist-to DIR),
                      through the writer itself; while npm start runs (PORT, default 8787),
                      through its admin API with the saved dev key instead
  --env staging|production
                      update, remove and rotate: that deployment's admin API (set POKEWATCH_URL
                      and POKEWATCH_API_KEY, an admin key); list, validate and generate: its KV
                      namespace through wrangler (wrangler login), so the first admin key needs
                      no other one (a new key's writer adopts it on its first change)
  --json              generate, list, update and rotate print JSON`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}

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
		"requests-per-day": { type: "string" },
		json: { type: "boolean", default: false },
	},
});

function positiveInt(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
	return n;
}

/** Where the keys are, and a cleanup. */
async function openAdmin(): Promise<{
	admin: KeyAdmin;
	keyEnv: ReturnType<typeof keyEnvFor>;
	close: () => Promise<void>;
}> {
	if (values.env !== undefined) {
		const environment = values.env;
		if (environment !== "staging" && environment !== "production")
			throw new UsageError(`--env must be staging or production, got "${environment}"`);
		const config = Config.parse({ ENVIRONMENT: environment });
		const keyEnv = keyEnvFor(environment);
		const defaults = {
			rpm: config.RATE_LIMIT_PER_MINUTE,
			burst: config.RATE_LIMIT_BURST,
			graceHours: config.KEY_ROTATION_GRACE_HOURS,
		};
		const admin = new RemoteKeyAdmin(
			() => new Api(remoteTarget(environment)),
			new KeyStore(new WranglerKv(environment)),
			keyEnv,
			defaults,
			`${environment} (KV through wrangler; changes through POKEWATCH_URL)`,
		);
		return { admin, keyEnv, close: async () => {} };
	}
	const base = `http://localhost:${localPort()}`;
	if (values["persist-to"] === undefined && (await answers(base))) {
		// npm start's Worker holds the local writers: two workerd processes must not both run them.
		const key = process.env.POKEWATCH_DEV_KEY?.trim() || (await readFile(DEV_KEY_FILE, "utf8").catch(() => "")).trim();
		if (!key) throw new UsageError(`a Worker answers on ${base}, but there is no dev key in ${DEV_KEY_FILE}`);
		const platform = await openLocalKv();
		const config = getConfig(platform.env);
		const api = new Api({ base, key, label: `the Worker on ${base}` });
		return {
			admin: new ApiKeyAdmin(api, new KeyStore(platform.env.API_KEYS)),
			keyEnv: keyEnvFor(config.ENVIRONMENT),
			close: () => platform.dispose(),
		};
	}
	const local = await openLocalKeyWriter(values["persist-to"]);
	try {
		const config = getConfig(local.vars as unknown as Env);
		const keyEnv = keyEnvFor(config.ENVIRONMENT);
		const defaults = {
			rpm: config.RATE_LIMIT_PER_MINUTE,
			burst: config.RATE_LIMIT_BURST,
			graceHours: config.KEY_ROTATION_GRACE_HOURS,
		};
		return { admin: new WriterKeyAdmin(local.kv, local.writers, keyEnv, defaults), keyEnv, close: local.dispose };
	} catch (error) {
		await local.dispose();
		throw error;
	}
}

/** `N` as a positive whole number, or `word` (none, never) as null. */
function intOr(name: string, value: string | undefined, word: string): number | null | undefined {
	return value === word ? null : positiveInt(name, value);
}

/** The new key's limits from the options given. */
function limitsFromOptions(): KeyRequest["limits"] {
	const rpm = positiveInt("rpm", values.rpm);
	const burst = positiveInt("burst", values.burst);
	const perDay = positiveInt("requests-per-day", values["requests-per-day"]);
	return {
		...(rpm ? { requests_per_minute: rpm } : {}),
		...(burst ? { burst } : {}),
		...(perDay ? { requests_per_day: perDay } : {}),
	};
}

/** The change `update` asks for; a usage error when it asks for none. */
function patchFromOptions(): KeyPatch {
	const rpm = positiveInt("rpm", values.rpm);
	const burst = positiveInt("burst", values.burst);
	const perDay = intOr("requests-per-day", values["requests-per-day"], "none");
	const days = intOr("expires-in-days", values["expires-in-days"], "never");
	const limits = {
		...(rpm ? { requests_per_minute: rpm } : {}),
		...(burst ? { burst } : {}),
		...(perDay !== undefined ? { requests_per_day: perDay } : {}),
	};
	const patch: KeyPatch = {
		...(values.name !== undefined ? { name: values.name } : {}),
		...(Object.keys(limits).length ? { limits } : {}),
		...(days !== undefined
			? { expires_at: days === null ? null : new Date(Date.now() + days * 86_400_000).toISOString() }
			: {}),
	};
	if (Object.keys(patch).length === 0)
		throw new UsageError("update needs at least one of --name, --rpm, --burst, --requests-per-day, --expires-in-days");
	return patch;
}

const limitsText = (r: KeyRecord) =>
	`${r.limits.requests_per_minute}/min, burst ${r.limits.burst}, ${r.limits.requests_per_day ? `${r.limits.requests_per_day}/day` : "no daily quota"}`;

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
	if (!["generate", "list", "validate", "update", "remove", "rotate"].includes(command))
		throw new UsageError(`unknown command "${command}"\n${USAGE}`);
	// Bad options fail before any store is opened.
	const patch = command === "update" ? patchFromOptions() : undefined;
	const { admin, keyEnv, close } = await openAdmin();
	try {
		switch (command) {
			case "generate": {
				if (!values.name) throw new UsageError("generate needs --name");
				const scopes = values.scopes.split(",").map((s) => s.trim());
				const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
				if (bad.length) throw new UsageError(`unknown scope(s): ${bad.join(", ")} (use ${SCOPES.join(", ")})`);
				const days = positiveInt("expires-in-days", values["expires-in-days"]);
				const { key, record } = await admin.issue({
					name: values.name,
					scopes: scopes as Scope[],
					limits: limitsFromOptions(),
					...(days ? { expires_at: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
				});
				if (values.json) console.log(JSON.stringify({ key, ...record }));
				else
					console.log(
						`Created ${record.id} (${record.name}, scopes ${record.scopes.join(",")}).\nLimits: ${limitsText(record)}.\nKey (shown once, store it now):\n\n  ${key}\n`,
					);
				return 0;
			}
			case "list": {
				const records = await admin.list();
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
				const record = await admin.findByKey(arg);
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
			case "update": {
				if (!arg) throw new UsageError("update needs a key ID");
				const change = await admin.update(arg, patch ?? patchFromOptions());
				if (!change.ok) {
					console.error(
						change.refusal === "not_found"
							? `no key with id ${arg}`
							: `${arg} is ${change.refusal}: a ${change.refusal} key cannot change; nothing changed.`,
					);
					return 1;
				}
				const r = change.record;
				if (values.json) console.log(JSON.stringify(r));
				else
					console.log(
						`Updated ${r.id} (${r.name}): ${limitsText(r)}, expires ${r.expires_at ?? "never"}. Deployed Workers apply it within 60 s.`,
					);
				return 0;
			}
			case "remove": {
				if (!arg) throw new UsageError("remove needs a key ID");
				const change = await admin.revoke(arg);
				if (!change.ok) {
					console.error(`no key with id ${arg}`);
					return 1;
				}
				const r = change.record;
				if (!change.changed) {
					console.error(`${arg} (${r.name}) was already revoked at ${r.revoked_at}; nothing changed.`);
					return 1;
				}
				console.log(`Revoked ${r.id} (${r.name}) at ${r.revoked_at}. Deployed Workers refuse it within 60 s.`);
				return 0;
			}
			case "rotate": {
				if (!arg) throw new UsageError("rotate needs a key ID");
				const hours = values["grace-hours"] === undefined ? undefined : Number(values["grace-hours"]);
				if (hours !== undefined && (!Number.isFinite(hours) || hours < 0))
					throw new UsageError(`--grace-hours must be a number >= 0`);
				const rotated = await admin.rotate(arg, hours);
				if (!rotated.ok) {
					console.error(
						rotated.refusal === "not_found"
							? `no key with id ${arg}`
							: rotated.refusal === "rotated"
								? `${arg} was already rotated to ${rotated.record?.rotated_to}: rotate that one instead`
								: `${arg} is ${rotated.refusal}: it cannot be rotated`,
					);
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
