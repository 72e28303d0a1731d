import { describe, expect, it } from "vitest";
import { Lru } from "../../../src/lib/lru";

describe("Lru", () => {
	it("returns what was set, and undefined for what was not", () => {
		const lru = new Lru<string, number>(2);
		lru.set("a", 1);
		expect(lru.get("a")).toBe(1);
		expect(lru.get("b")).toBeUndefined();
		expect(lru.has("a")).toBe(true);
		expect(lru.has("b")).toBe(false);
	});

	it("never holds more than its capacity, evicting the least recently set", () => {
		const lru = new Lru<string, number>(2);
		lru.set("a", 1);
		lru.set("b", 2);
		lru.set("c", 3);
		expect(lru.size).toBe(2);
		expect(lru.has("a")).toBe(false);
		expect(lru.get("b")).toBe(2);
		expect(lru.get("c")).toBe(3);
	});

	it("counts a get as a use", () => {
		const lru = new Lru<string, number>(2);
		lru.set("a", 1);
		lru.set("b", 2);
		lru.get("a");
		lru.set("c", 3);
		expect(lru.has("a")).toBe(true);
		expect(lru.has("b")).toBe(false);
	});

	it("counts re-setting a key as a use and keeps one entry for it", () => {
		const lru = new Lru<string, number>(2);
		lru.set("a", 1);
		lru.set("b", 2);
		lru.set("a", 10);
		expect(lru.size).toBe(2);
		lru.set("c", 3);
		expect(lru.get("a")).toBe(10);
		expect(lru.has("b")).toBe(false);
	});

	it("remembers undefined values and refreshes them on get", () => {
		const lru = new Lru<string, number | undefined>(2);
		lru.set("u", undefined);
		lru.set("b", 2);
		expect(lru.get("u")).toBeUndefined();
		lru.set("c", 3);
		expect(lru.has("u")).toBe(true);
		expect(lru.has("b")).toBe(false);
	});

	it("deletes and clears", () => {
		const lru = new Lru<string, number>(3);
		lru.set("a", 1);
		lru.set("b", 2);
		lru.delete("a");
		expect(lru.has("a")).toBe(false);
		expect(lru.size).toBe(1);
		lru.clear();
		expect(lru.size).toBe(0);
		expect(lru.get("b")).toBeUndefined();
	});
});
