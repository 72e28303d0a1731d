import { describe, expect, it } from "vitest";
import { KeyIdParam } from "../../../src/api/schemas/keys";
import {
	API_KEY_PATTERN,
	displayPrefix,
	generateApiKey,
	hashApiKey,
	isWellFormedKey,
	KEY_RANDOM_LENGTH,
	keyEnvFor,
	newKeyId,
} from "../../../src/keys/api-keys";
import { sha256Hex } from "../../../src/lib/hash";

const BASE62 = /^[0-9A-Za-z]+$/;

describe("generateApiKey", () => {
	it.each(["dev", "test", "live"] as const)("issues pk_%s_ keys of 40 base62 characters", (env) => {
		const key = generateApiKey(env);
		expect(key.startsWith(`pk_${env}_`)).toBe(true);
		const random = key.slice(`pk_${env}_`.length);
		expect(random).toHaveLength(KEY_RANDOM_LENGTH);
		expect(random).toMatch(BASE62);
		expect(isWellFormedKey(key, env)).toBe(true);
	});

	it("never repeats and uses the whole base62 alphabet", () => {
		const keys = Array.from({ length: 300 }, () => generateApiKey("test"));
		expect(new Set(keys).size).toBe(keys.length);
		// 12,000 random characters: each of the 62 turns up unless the sampling is broken.
		const seen = new Set(keys.join("").replaceAll("pk_test_", ""));
		expect(seen.size).toBe(62);
	});
});

describe("isWellFormedKey", () => {
	const random = (n: number) => "a1B2c3D4e5".repeat(7).slice(0, n);

	it("accepts 32 to 64 base62 characters after the tag", () => {
		expect(isWellFormedKey(`pk_test_${random(32)}`)).toBe(true);
		expect(isWellFormedKey(`pk_live_${random(64)}`)).toBe(true);
	});

	it.each([
		["too short", `pk_test_${random(31)}`],
		["too long", `pk_test_${random(65)}`],
		["unknown env", `pk_prod_${random(40)}`],
		["upper-case prefix", `PK_TEST_${random(40)}`],
		["no prefix", random(40)],
		["a dash", `pk_test_${random(39)}-`],
		["an underscore", `pk_test_${random(39)}_`],
		["non-ASCII", `pk_test_${random(39)}é`],
		["surrounding space", ` pk_test_${random(40)}`],
		["a trailing newline", `pk_test_${random(40)}\n`],
		["empty", ""],
	])("refuses %s", (_, key) => {
		expect(isWellFormedKey(key)).toBe(false);
	});

	it("refuses a key issued for another environment", () => {
		const live = generateApiKey("live");
		expect(isWellFormedKey(live, "live")).toBe(true);
		expect(isWellFormedKey(live, "test")).toBe(false);
		expect(isWellFormedKey(live, "dev")).toBe(false);
	});

	it("is the documented pattern", () => {
		expect(API_KEY_PATTERN.source).toBe("^pk_(dev|test|live)_[0-9A-Za-z]{32,64}$");
	});
});

describe("keyEnvFor", () => {
	it("maps deployments to key tags", () => {
		expect(keyEnvFor("production")).toBe("live");
		expect(keyEnvFor("development")).toBe("dev");
		expect(keyEnvFor("staging")).toBe("test");
		expect(keyEnvFor("test")).toBe("test");
	});
});

describe("hashApiKey", () => {
	it("is the lower-case hex SHA-256 of the whole key", async () => {
		const key = generateApiKey("test");
		const hash = await hashApiKey(key);
		expect(hash).toMatch(/^[0-9a-f]{64}$/);
		expect(hash).toBe(await sha256Hex(key));
		const changed = `${key.slice(0, -1)}${key.endsWith("X") ? "Y" : "X"}`;
		expect(hash).not.toBe(await hashApiKey(changed));
	});
});

describe("displayPrefix", () => {
	it("shows the tag and four characters, never enough to use", () => {
		expect(displayPrefix("pk_test_Ab3dEFGHIJKLMNOPQRSTUVWXYZabcdefgh")).toBe("pk_test_Ab3d");
		expect(displayPrefix("pk_dev_Ab3dEFGHIJKLMNOPQRSTUVWXYZabcdefgh")).toBe("pk_dev_Ab3d");
		const key = generateApiKey("live");
		const prefix = displayPrefix(key);
		expect(key.startsWith(prefix)).toBe(true);
		expect(prefix).toHaveLength("pk_live_".length + 4);
		expect(isWellFormedKey(prefix)).toBe(false);
	});
});

describe("newKeyId", () => {
	it("is a public id the admin routes accept, unique per key", () => {
		const ids = Array.from({ length: 200 }, newKeyId);
		for (const id of ids) expect(KeyIdParam.safeParse({ id }).success, id).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
	});
});
