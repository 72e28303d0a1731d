import { describe, expect, it } from "vitest";
import { generateSecret, secretBytes, sign, signedHeaders, verify } from "../../../src/webhooks/signing";

// A hand-checked case: key = base64("0123456789abcdef0123"), content "msg_1.1700000000.{"a":1}".
// openssl: printf '%s' 'msg_1.1700000000.{"a":1}' | openssl dgst -sha256 -hmac 0123456789abcdef0123 -binary | base64
const SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM=";
const EXPECTED = "v1,xm6GpxGXraZu0XHy2pk9qWR5Ffm0RVXTKoksUb91jPU=";

describe("Standard Webhooks signing", () => {
	it("signs id.timestamp.body with HMAC-SHA256 under the base64 key after whsec_", async () => {
		expect(await sign(SECRET, "msg_1", 1_700_000_000, '{"a":1}')).toBe(EXPECTED);
	});

	it("puts the id, timestamp and signature in the three headers", async () => {
		expect(await signedHeaders(SECRET, "msg_1", 1_700_000_000, '{"a":1}')).toEqual({
			"content-type": "application/json",
			"webhook-id": "msg_1",
			"webhook-timestamp": "1700000000",
			"webhook-signature": EXPECTED,
		});
	});

	it("generates whsec_ secrets of 24 random bytes", () => {
		const a = generateSecret();
		expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
		expect(secretBytes(a)).toHaveLength(24);
		expect(generateSecret()).not.toBe(a);
		expect(() => secretBytes("nope")).toThrow(/whsec_/);
	});

	it("verifies a good signature, among several, and refuses a changed body, id, secret or a stale timestamp", async () => {
		const now = 1_700_000_100;
		const headers = { id: "msg_1", timestamp: "1700000000", signature: `v1,bm9wZQ== ${EXPECTED}` };
		expect(await verify(SECRET, headers, '{"a":1}', { now })).toBe(true);
		expect(await verify(SECRET, headers, '{"a":2}', { now })).toBe(false);
		expect(await verify(SECRET, { ...headers, id: "msg_2" }, '{"a":1}', { now })).toBe(false);
		expect(await verify(generateSecret(), headers, '{"a":1}', { now })).toBe(false);
		expect(await verify(SECRET, headers, '{"a":1}', { now: now + 301 })).toBe(false);
		expect(await verify(SECRET, { ...headers, signature: EXPECTED.replace("v1", "v2") }, '{"a":1}', { now })).toBe(
			false,
		);
	});
});
