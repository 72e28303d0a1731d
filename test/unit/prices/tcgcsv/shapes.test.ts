import { describe, expect, it } from "vitest";
import {
	FeedGroups,
	FeedPrices,
	FeedProducts,
	FeedShapeError,
	feedDayOf,
	parseFeed,
} from "../../../../src/prices/tcgcsv/shapes";

describe("the feed's response shapes", () => {
	it("reads a prices file as the feed writes it, nulls included", () => {
		const text =
			'{"success": true, "errors": [], "results": [{"productId": 42346, "lowPrice": 34.02, "midPrice": 55.0, "highPrice": 100.0, "marketPrice": 56.08, "directLowPrice": null, "subTypeName": "Holofoil"}, {"productId": 42346, "lowPrice": 999.0, "midPrice": 999.0, "highPrice": 999.0, "marketPrice": null, "directLowPrice": null, "subTypeName": "1st Edition Holofoil"}]}';
		const { results } = parseFeed(FeedPrices, text, "/tcgplayer/3/604/prices");
		expect(results.map((r) => [r.productId, r.subTypeName, r.marketPrice])).toEqual([
			[42346, "Holofoil", 56.08],
			[42346, "1st Edition Holofoil", null],
		]);
	});

	it("reads groups and products, ignoring fields it does not use", () => {
		const groups = parseFeed(
			FeedGroups,
			JSON.stringify({
				totalItems: 1,
				success: true,
				errors: [],
				results: [
					{
						groupId: 23237,
						name: "SV: Scarlet & Violet 151",
						abbreviation: "MEW",
						isSupplemental: false,
						publishedOn: "2023-09-22T00:00:00",
						modifiedOn: "2025-10-09T19:47:56.96",
						categoryId: 3,
						extra: 1,
					},
				],
			}),
			"groups",
		);
		expect(groups.results[0]).toMatchObject({ groupId: 23237, abbreviation: "MEW" });
		const products = parseFeed(
			FeedProducts,
			JSON.stringify({
				success: true,
				errors: [],
				results: [
					{
						productId: 1,
						name: "Booster Box",
						groupId: 23237,
						imageCount: 1,
						presaleInfo: { isPresale: false },
						extendedData: [],
					},
				],
			}),
			"products",
		);
		expect(products.results[0]?.extendedData).toEqual([]);
	});

	it("names what is wrong with a body that is not the feed's", () => {
		expect(() => parseFeed(FeedPrices, "<html>502</html>", "/tcgplayer/3/1/prices")).toThrow(FeedShapeError);
		expect(() => parseFeed(FeedPrices, "<html>502</html>", "/tcgplayer/3/1/prices")).toThrow(/not JSON/);
		expect(() =>
			parseFeed(FeedPrices, '{"success": true, "errors": [], "results": [{"productId": "x"}]}', "p"),
		).toThrow(/results\.0\.productId/);
		expect(() => parseFeed(FeedPrices, '{"success": false, "errors": ["gone"], "results": []}', "p")).toThrow(
			/success=false/,
		);
	});
});

describe("the feed's day", () => {
	it("is the UTC date of its publish stamp", () => {
		expect(feedDayOf("2026-10-09T20:05:19+0000\n")).toEqual({ stamp: "2026-10-09T20:05:19.000Z", day: "2026-10-09" });
		expect(feedDayOf("2026-10-09T23:59:59Z").day).toBe("2026-10-09");
	});

	it("counts a late publish, before 06:00 UTC, for the day before", () => {
		expect(feedDayOf("2026-10-10T01:30:00+0000").day).toBe("2026-10-09");
		expect(feedDayOf("2026-10-10T06:00:00+0000").day).toBe("2026-10-10");
		// 22:00 at UTC-5 is 03:00 UTC the next day: still the evening's publish.
		expect(feedDayOf("2026-10-09T22:00:00-0500").day).toBe("2026-10-09");
	});

	it("refuses text that is not a stamp", () => {
		expect(() => feedDayOf("Service Unavailable")).toThrow(/not a timestamp/);
		expect(() => feedDayOf("2026-13-45T99:00:00+0000")).toThrow(/not a timestamp/);
	});
});
