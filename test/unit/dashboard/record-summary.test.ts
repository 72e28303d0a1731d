import { describe, expect, it } from "vitest";
import { recordNote, recordQuery, sinceDays } from "../../../src/dashboard/record-summary";

describe("the track record panel", () => {
	const now = new Date("2026-08-23T05:10:00Z");

	it("asks for the summary over all run dates, or the last N days up to today (UTC)", () => {
		expect(sinceDays(1, now)).toBe("2026-08-23");
		expect(sinceDays(30, now)).toBe("2026-07-25");
		expect(sinceDays(90, new Date("2026-03-01T23:59:00Z"))).toBe("2025-12-02");
		expect(recordQuery("", now)).toBe("/v1/track-record?limit=1");
		expect(recordQuery("30", now)).toBe("/v1/track-record?limit=1&from=2026-07-25");
		expect(recordQuery("soon", now)).toBe("/v1/track-record?limit=1");
	});

	it("says why the summary is empty, or what its figures mean", () => {
		expect(recordNote({ records: 0 })).toMatch(/^No published answers yet/);
		expect(recordNote({ records: 16, resolved: 0, decided: 0 })).toMatch(/^No outcome is known yet/);
		expect(recordNote({ records: 48, resolved: 32, decided: 4 })).toMatch(/^Precision: /);
	});
});
