/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret `whsec_<base64>`, and
 * per delivery the headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. Pure Web Crypto.
 */

/** The prefix of a signing secret. */
export const SECRET_PREFIX = "whsec_";

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A new signing secret: `whsec_` and the base64 of 24 random bytes. */
export function generateSecret(): string {
	return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

/** The key bytes of a `whsec_` secret. */
export function secretBytes(secret: string): Uint8Array {
	if (!secret.startsWith(SECRET_PREFIX)) throw new Error("a signing secret starts with whsec_");
	return fromBase64(secret.slice(SECRET_PREFIX.length));
}

/** The `v1,<base64>` signature of one delivery. */
export async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
	const key = await crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
	return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three headers of a delivery (and its content type). */
export async function signedHeaders(
	secret: string,
	id: string,
	timestamp: number,
	body: string,
): Promise<Record<string, string>> {
	return {
		"content-type": "application/json",
		"webhook-id": id,
		"webhook-timestamp": String(timestamp),
		"webhook-signature": await sign(secret, id, timestamp, body),
	};
}

/**
 * Whether `signatureHeader` (space-separated `v1,<sig>` entries, as during a secret rotation)
 * carries the signature of (id, timestamp, body), with the timestamp within `toleranceSeconds` of
 * `now`: what a receiver checks.
 */
export async function verify(
	secret: string,
	headers: { id: string; timestamp: string; signature: string },
	body: string,
	options: { now?: number; toleranceSeconds?: number } = {},
): Promise<boolean> {
	const timestamp = Number(headers.timestamp);
	const now = options.now ?? Math.floor(Date.now() / 1000);
	if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
	const expected = (await sign(secret, headers.id, timestamp, body)).slice(3);
	const key = new TextEncoder();
	for (const entry of headers.signature.split(" ")) {
		const [version, value] = entry.split(",", 2);
		if (version !== "v1" || value === undefined) continue;
		// Constant time: compare digests of both, never the raw strings with early exit.
		const [a, b] = await Promise.all([
			crypto.subtle.digest("SHA-256", key.encode(value)),
			crypto.subtle.digest("SHA-256", key.encode(expected)),
		]);
		const x = new Uint8Array(a);
		const y = new Uint8Array(b);
		let diff = 0;
		for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
		if (diff === 0) return true;
	}
	return false;
}
