import { sha256Hex } from "../lib/hash";

/** What a key may do. `admin` routes need `admin`; every other protected route needs `read`. */
export type Scope = "read" | "admin";
export const SCOPES: readonly Scope[] = ["read", "admin"];

/** The environment tag inside a key: `pk_<env>_<random>`. */
export type KeyEnv = "dev" | "test" | "live";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Random characters in a new key: 40 base62 characters, about 238 bits. */
export const KEY_RANDOM_LENGTH = 40;
/** Accepted key shape; anything else is refused before any storage read. */
export const API_KEY_PATTERN = /^pk_(dev|test|live)_[0-9A-Za-z]{32,64}$/;

/** The key tag each deployment environment issues and accepts. */
export function keyEnvFor(environment: string): KeyEnv {
	if (environment === "production") return "live";
	if (environment === "development") return "dev";
	return "test";
}

/** A new secret key, uniformly random over base62 (rejection sampling, no modulo bias). */
export function generateApiKey(env: KeyEnv): string {
	let out = "";
	while (out.length < KEY_RANDOM_LENGTH) {
		for (const byte of crypto.getRandomValues(new Uint8Array(64))) {
			if (byte < 248 && out.length < KEY_RANDOM_LENGTH) out += BASE62[byte % 62];
		}
	}
	return `pk_${env}_${out}`;
}

/** True when `key` has the shape of a key for `env`. */
export function isWellFormedKey(key: string, env?: KeyEnv): boolean {
	const match = API_KEY_PATTERN.exec(key);
	return match !== null && (env === undefined || match[1] === env);
}

/** KV stores only this: the SHA-256 of the whole key, hex. */
export const hashApiKey = (key: string) => sha256Hex(key);

/** The short start of a key shown in listings, e.g. `pk_live_Ab3d`. Never enough to use. */
export const displayPrefix = (key: string) => key.slice(0, key.indexOf("_", 3) + 5);

/** A short public identifier for a key record. */
export function newKeyId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(9));
	return `key_${[...bytes].map((b) => BASE62[b % 62]).join("")}`;
}
