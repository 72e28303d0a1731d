/**
 * Signing secrets at rest: AES-256-GCM under the Worker secret WEBHOOK_SECRET_KEY, the
 * subscription id as additional data (a ciphertext copied onto another row does not decrypt).
 * The secret must be kept in a recoverable form because every delivery is signed with it;
 * encryption means a D1 dump or backup alone does not let anyone forge deliveries.
 */
import type { Config } from "../config";
import { ApiError } from "../errors";

/**
 * The key development and tests use when WEBHOOK_SECRET_KEY is unset. Public on purpose (it is in
 * the README): it protects nothing, and staging and production never use it.
 */
export const LOCAL_SECRET_KEY = "cG9rZXdhdGNoLWxvY2FsLXdlYmhvb2sta2V5LTMyYiE=";

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The encryption key's base64 for this deployment, or a 503 where none is configured. */
export function secretKeyOf(config: Config): string {
	if (config.WEBHOOK_SECRET_KEY) return config.WEBHOOK_SECRET_KEY;
	if (config.ENVIRONMENT === "development" || config.ENVIRONMENT === "test") return LOCAL_SECRET_KEY;
	throw new ApiError(
		"service_unavailable",
		"Webhooks are not configured on this deployment (WEBHOOK_SECRET_KEY is not set).",
	);
}

async function aesKey(keyBase64: string, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", fromBase64(keyBase64), { name: "AES-GCM" }, false, [usage]);
}

/** base64(iv || ciphertext) of `secret`, bound to `subscriptionId`. */
export async function encryptSecret(keyBase64: string, subscriptionId: string, secret: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const cipher = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(subscriptionId) },
		await aesKey(keyBase64, "encrypt"),
		new TextEncoder().encode(secret),
	);
	const out = new Uint8Array(12 + cipher.byteLength);
	out.set(iv);
	out.set(new Uint8Array(cipher), 12);
	return toBase64(out);
}

/** The secret `encryptSecret` sealed (throws when the key or the subscription id differ). */
export async function decryptSecret(keyBase64: string, subscriptionId: string, sealed: string): Promise<string> {
	const bytes = fromBase64(sealed);
	const plain = await crypto.subtle.decrypt(
		{ name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: new TextEncoder().encode(subscriptionId) },
		await aesKey(keyBase64, "decrypt"),
		bytes.subarray(12),
	);
	return new TextDecoder().decode(plain);
}
