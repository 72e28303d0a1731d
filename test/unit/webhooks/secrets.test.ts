import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Config } from "../../../src/config";
import { ApiError } from "../../../src/errors";
import { decryptSecret, encryptSecret, LOCAL_SECRET_KEY, secretKeyOf } from "../../../src/webhooks/secrets";

const OTHER_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe("signing secrets at rest", () => {
	it("round-trips through AES-GCM, with a fresh IV each time", async () => {
		const a = await encryptSecret(LOCAL_SECRET_KEY, "wh_1", "whsec_abc");
		const b = await encryptSecret(LOCAL_SECRET_KEY, "wh_1", "whsec_abc");
		expect(a).not.toBe(b);
		expect(a).not.toContain("abc");
		expect(await decryptSecret(LOCAL_SECRET_KEY, "wh_1", a)).toBe("whsec_abc");
	});

	it("does not open under another key or for another subscription", async () => {
		const sealed = await encryptSecret(LOCAL_SECRET_KEY, "wh_1", "whsec_abc");
		await expect(decryptSecret(OTHER_KEY, "wh_1", sealed)).rejects.toThrow();
		await expect(decryptSecret(LOCAL_SECRET_KEY, "wh_2", sealed)).rejects.toThrow();
	});

	it("uses the configured key, the local one only in development and tests, and is unavailable otherwise", () => {
		const config = (vars: Record<string, string>) => Config.parse({ ...env, ...vars });
		expect(secretKeyOf(config({ WEBHOOK_SECRET_KEY: OTHER_KEY }))).toBe(OTHER_KEY);
		expect(secretKeyOf(config({ ENVIRONMENT: "test" }))).toBe(LOCAL_SECRET_KEY);
		expect(() =>
			secretKeyOf(
				config({ ENVIRONMENT: "staging", WEBHOOK_ALLOW_LOOPBACK: "false", CORS_ORIGINS: "https://a.example" }),
			),
		).toThrow(ApiError);
	});
});
