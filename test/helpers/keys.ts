import { env } from "cloudflare:workers";
import { hashApiKey, type Scope } from "../../src/keys/api-keys";
import { KeyStore } from "../../src/keys/store";

/**
 * The key every integration request carries by default (registered by test/setup): read and
 * admin scopes, limits high enough that rate limiting never interferes with other suites.
 */
export const TEST_KEY = "pk_test_IntegrationSuiteKey0000000000000000000001";

/** Registers `key` (or a fresh one) in the real KV namespace and returns it with its record. */
export async function issueKey(
	options: {
		scopes?: Scope[];
		requests_per_minute?: number;
		burst?: number;
		expires_at?: string;
		key?: string;
		name?: string;
	} = {},
) {
	return new KeyStore(env.API_KEYS).create(
		{
			name: options.name ?? "test",
			scopes: options.scopes ?? ["read"],
			limits: { requests_per_minute: options.requests_per_minute ?? 1_000_000, burst: options.burst ?? 1_000_000 },
			...(options.expires_at ? { expires_at: options.expires_at } : {}),
		},
		"test",
		new Date(),
		options.key,
	);
}

/** Registers TEST_KEY once per test file's storage. */
export async function registerTestKey(): Promise<void> {
	if (await env.API_KEYS.get(`key:${await hashApiKey(TEST_KEY)}`)) return;
	await issueKey({ key: TEST_KEY, scopes: ["read", "admin"], name: "integration suite" });
}
