import { describe, expect, it } from "vitest";
import { nightlyInstanceId } from "../../../src/pipeline/schedule";

describe("nightlyInstanceId", () => {
	it("names the run after the UTC day it was scheduled for", () => {
		expect(nightlyInstanceId(new Date("2026-08-23T03:00:00Z"))).toBe("nightly-2026-08-23");
	});

	it("is the same for two triggers on one day and differs across midnight UTC", () => {
		expect(nightlyInstanceId(new Date("2026-08-23T00:00:00Z"))).toBe(
			nightlyInstanceId(new Date("2026-08-23T23:59:59Z")),
		);
		expect(nightlyInstanceId(new Date("2026-08-24T00:00:00Z"))).toBe("nightly-2026-08-24");
	});
});
