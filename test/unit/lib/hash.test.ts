import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/lib/hash";

describe("sha256Hex", () => {
	it("matches the FIPS 180-2 test vector for 'abc'", async () => {
		expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	});

	it("hashes strings as UTF-8, the same as their bytes", async () => {
		const text = "Pokémon";
		expect(await sha256Hex(text)).toBe(await sha256Hex(new TextEncoder().encode(text)));
		expect(await sha256Hex(new TextEncoder().encode(text).buffer as ArrayBuffer)).toBe(await sha256Hex(text));
	});

	it("hashes the empty string", async () => {
		expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	});
});
