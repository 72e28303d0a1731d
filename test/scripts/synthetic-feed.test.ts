import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FEED_SIZES, type SeriesFact, SyntheticFeed } from "../../scripts/lib/feed/synthetic-feed";
import { addDays } from "../../src/model/dates";

// The shapes as the feed documents them, strict: an extra or missing field fails.
const price = z.number().positive().nullable();
const Envelope = <T extends z.ZodType>(item: T, total: boolean) =>
	z
		.object({
			...(total ? { totalItems: z.number().int().nonnegative() } : {}),
			success: z.literal(true),
			errors: z.array(z.unknown()).length(0),
			results: z.array(item),
		})
		.strict();
const Group = z
	.object({
		groupId: z.number().int().positive(),
		name: z.string().startsWith("SYN "),
		abbreviation: z.string(),
		isSupplemental: z.boolean(),
		publishedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}T00:00:00$/),
		modifiedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2})?$/),
		categoryId: z.number().int().positive(),
	})
	.strict();
const Field = z.object({ name: z.string(), displayName: z.string(), value: z.string() }).strict();
const Product = z
	.object({
		productId: z.number().int().positive(),
		name: z.string(),
		cleanName: z.string(),
		imageUrl: z.string().url(),
		categoryId: z.number().int(),
		groupId: z.number().int(),
		url: z.string().url(),
		modifiedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2})?$/),
		imageCount: z.number().int(),
		presaleInfo: z
			.object({ isPresale: z.boolean(), releasedOn: z.string().nullable(), note: z.string().nullable() })
			.strict(),
		extendedData: z.array(Field),
	})
	.strict();
const PRINTINGS = [
	"Normal",
	"Holofoil",
	"Reverse Holofoil",
	"1st Edition",
	"Unlimited",
	"1st Edition Holofoil",
	"Unlimited Holofoil",
] as const;
const PriceRow = z
	.object({
		productId: z.number().int().positive(),
		lowPrice: price,
		midPrice: price,
		highPrice: price,
		marketPrice: price,
		directLowPrice: price,
		subTypeName: z.enum(PRINTINGS),
	})
	.strict();
const Groups = Envelope(Group, true);
const Products = Envelope(Product, true);
const Prices = Envelope(PriceRow, false);

const FIRST = "2026-11-01";
const small = new SyntheticFeed({ seed: 1, firstDay: FIRST });
const full = new SyntheticFeed({ seed: 1, categories: FEED_SIZES.full, firstDay: FIRST });
/** By this day every group of both sizes is published. */
const LATE = addDays(FIRST, 30);

/** Every `,` and `:` outside strings is followed by one space: Python's json.dumps separators. */
function pythonSeparators(body: string): boolean {
	let inString = false;
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (inString) {
			if (c === "\\") i++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if ((c === "," || c === ":") && body[i + 1] !== " ") return false;
	}
	return true;
}

function bodiesOf(feed: SyntheticFeed, day: string): string[] {
	const out = [feed.lastUpdated(day)];
	for (const { id } of feed.sizes) out.push(feed.groups(id, day) ?? "");
	for (const g of feed.groupList()) {
		out.push(
			feed.products(g.categoryId, g.groupId, day) ?? "null",
			feed.prices(g.categoryId, g.groupId, day) ?? "null",
		);
	}
	return out;
}

describe("the synthetic feed's bodies", () => {
	it("parse in the documented shapes, in json.dumps' layout, for every group of the small size", () => {
		for (const day of [FIRST, LATE]) {
			expect(small.lastUpdated(day)).toMatch(new RegExp(`^${day}T20:0\\d:[0-5]\\d\\+0000\\n$`));
			for (const { id } of small.sizes) {
				const body = small.groups(id, day) as string;
				const groups = Groups.parse(JSON.parse(body));
				expect(groups.totalItems).toBe(groups.results.length);
				expect(groups.results.every((g) => g.categoryId === id)).toBe(true);
				expect(Object.keys(groups.results[0] ?? {})).toEqual(Object.keys(Group.shape));
			}
			for (const g of small.groupList().filter((g) => g.publishedOn <= day)) {
				for (const body of [small.products(g.categoryId, g.groupId, day), small.prices(g.categoryId, g.groupId, day)]) {
					if (body === null) continue;
					expect(body).not.toContain("\n");
					expect(body).toMatch(/^[\x20-\x7e]*$/);
					expect(pythonSeparators(body)).toBe(true);
					// Prices are floats: always written with a decimal point, like 55.0.
					expect(body).not.toMatch(/Price": \d+[,}]/);
				}
				const products = Products.parse(JSON.parse(small.products(g.categoryId, g.groupId, day) ?? "null"));
				expect(products.totalItems).toBe(products.results.length);
				expect(Object.keys(products.results[0] ?? {})).toEqual(Object.keys(Product.shape));
				Prices.parse(JSON.parse(small.prices(g.categoryId, g.groupId, day) ?? "null"));
			}
		}
		// Non-ASCII text is escaped as json.dumps does (Pokémon in card text).
		const g = small.groupList()[0];
		expect(small.products(g?.categoryId ?? 0, g?.groupId ?? 0, FIRST)).toContain("Pok\\u00e9mon");
	});

	it("are byte-identical for the same seed, size and day, and differ for another seed", () => {
		const again = new SyntheticFeed({ seed: 1, firstDay: FIRST });
		for (const day of [FIRST, addDays(FIRST, 7)]) expect(bodiesOf(again, day)).toEqual(bodiesOf(small, day));
		const other = new SyntheticFeed({ seed: 2, firstDay: FIRST });
		expect(bodiesOf(other, FIRST)).not.toEqual(bodiesOf(small, FIRST));
	});

	it("answer null for an unknown category or group, and a group asked under another category", () => {
		const g = small.groupList(3)[0];
		expect(small.groups(1, FIRST)).toBeNull();
		expect(small.products(3, 1, FIRST)).toBeNull();
		expect(small.prices(85, g?.groupId ?? 0, FIRST)).toBeNull();
		expect(() => small.prices(3, g?.groupId ?? 0, "2026-11-31")).toThrow(RangeError);
	});
});

describe("the full size", () => {
	it("is ~65,000 series in 640-660 groups, counted one group's prices file at a time", () => {
		const started = performance.now();
		let series = 0;
		let bytes = 0;
		const ids = new Set<number>();
		const groups = full.groupList();
		for (const g of groups) {
			const body = full.prices(g.categoryId, g.groupId, LATE);
			if (!body) throw new Error(`group ${g.groupId} has no prices on ${LATE}`);
			bytes += body.length;
			const rows = Prices.parse(JSON.parse(body)).results;
			series += rows.length;
			for (const r of rows) ids.add(r.productId);
		}
		const ms = performance.now() - started;
		console.log(
			`full size on ${LATE}: ${groups.length} groups, ${series} series, ${ids.size} products, ${(bytes / 1e6).toFixed(1)} MB of prices in ${ms.toFixed(0)} ms`,
		);
		expect(groups.length).toBeGreaterThanOrEqual(640);
		expect(groups.length).toBeLessThanOrEqual(660);
		expect(Math.abs(series - 65_000)).toBeLessThanOrEqual(65_000 * 0.05);
		let facts = 0;
		for (const _ of full.seriesOn(LATE)) facts++;
		expect(facts).toBe(series);
	});

	it("has unique product ids across categories, 1-3 printings, ~3% sealed, and the nulls and levels described", () => {
		const products = new Map<number, { categoryId: number; printings: number; sealed: boolean }>();
		const prices: number[] = [];
		const nulls = new Map<number, [number, number]>();
		for (const s of full.seriesOn(LATE)) {
			const p = products.get(s.productId);
			if (p) {
				expect(p.categoryId).toBe(s.categoryId);
				p.printings++;
			} else products.set(s.productId, { categoryId: s.categoryId, printings: 1, sealed: s.sealed });
			const n = nulls.get(s.categoryId) ?? [0, 0];
			n[1]++;
			if (s.marketPrice === null) n[0]++;
			else prices.push(s.marketPrice);
			nulls.set(s.categoryId, n);
		}
		const all = [...products.values()];
		expect(all.every((p) => p.printings >= 1 && p.printings <= 3)).toBe(true);
		expect(all.some((p) => p.printings === 3)).toBe(true);
		const sealedShare = all.filter((p) => p.sealed).length / all.length;
		expect(sealedShare).toBeGreaterThan(0.02);
		expect(sealedShare).toBeLessThan(0.04);
		const share = (c: number) => (nulls.get(c)?.[0] ?? 0) / (nulls.get(c)?.[1] ?? 1);
		expect(share(3)).toBeGreaterThan(0.09);
		expect(share(3)).toBeLessThan(0.15);
		expect(share(85)).toBeGreaterThan(0.28);
		expect(share(85)).toBeLessThan(0.39);
		prices.sort((a, b) => a - b);
		expect(prices[0]).toBeGreaterThanOrEqual(0.01);
		expect(prices[Math.floor(prices.length / 2)]).toBeLessThan(1);
		expect(prices.filter((p) => p >= 100).length).toBeGreaterThan(100);
		console.log(
			`full size: null marketPrice ${(share(3) * 100).toFixed(1)}% (3), ${(share(85) * 100).toFixed(1)}% (85); median $${prices[Math.floor(prices.length / 2)]}, p99 $${prices[Math.floor(prices.length * 0.99)]}, max $${prices.at(-1)}; sealed ${(sealedShare * 100).toFixed(1)}% of products`,
		);
	});
});

describe("the price walk", () => {
	it("leaves about 3/4 of day-over-day changes at exactly 0, is never 0, and goes null and back", () => {
		const key = (s: SeriesFact) => `${s.productId}/${s.printing}`;
		let previous = new Map<string, number | null>();
		let changes = 0;
		let zero = 0;
		const states = new Map<string, Set<boolean>>();
		for (let d = 0; d < 15; d++) {
			const today = new Map<string, number | null>();
			for (const s of small.seriesOn(addDays(FIRST, d))) {
				expect(s.marketPrice).not.toBe(0);
				today.set(key(s), s.marketPrice);
				const seen = states.get(key(s)) ?? new Set<boolean>();
				seen.add(s.marketPrice === null);
				states.set(key(s), seen);
				const before = previous.get(key(s));
				if (before != null && s.marketPrice !== null) {
					changes++;
					if (before === s.marketPrice) zero++;
				}
			}
			previous = today;
		}
		console.log(
			`small size, 14 day-over-day steps: ${changes} pairs priced on both days, ${((zero / changes) * 100).toFixed(1)}% unchanged`,
		);
		expect(zero / changes).toBeGreaterThan(0.65);
		expect(zero / changes).toBeLessThan(0.85);
		expect([...states.values()].filter((s) => s.size === 2).length).toBeGreaterThan(10);
	});

	it("is what the prices files say: seriesOn agrees with every row of the day", () => {
		const day = addDays(FIRST, 3);
		const listed = new Map<string, number | null>();
		for (const g of small.groupList()) {
			const body = small.prices(g.categoryId, g.groupId, day);
			for (const r of body ? Prices.parse(JSON.parse(body)).results : [])
				listed.set(`${r.productId}/${r.subTypeName}`, r.marketPrice);
		}
		const facts = [...small.seriesOn(day)];
		expect(facts.length).toBe(listed.size);
		for (const s of facts) expect(listed.get(`${s.productId}/${s.printing}`)).toBe(s.marketPrice);
	});
});

describe("the catalogue over days", () => {
	it("cards carry Number and Rarity, sealed products neither; vintage groups print 1st Edition / Unlimited", () => {
		let sealed = 0;
		for (const g of small.groupList()) {
			const products = Products.parse(JSON.parse(small.products(g.categoryId, g.groupId, LATE) ?? "null")).results;
			const prices = Prices.parse(JSON.parse(small.prices(g.categoryId, g.groupId, LATE) ?? "null")).results;
			const facts = new Map([...small.seriesOn(LATE, g.categoryId)].map((s) => [s.productId, s.sealed]));
			for (const p of products) {
				const names = p.extendedData.map((f) => f.name);
				if (facts.get(p.productId)) {
					sealed++;
					expect(names).not.toContain("Number");
					expect(names).not.toContain("Rarity");
				} else {
					expect(names).toContain("Number");
					expect(names).toContain("Rarity");
					expect(p.name).toMatch(/^Synthetic /);
				}
			}
			const printings = new Set(prices.map((r) => r.subTypeName));
			const vintage = ["1st Edition", "Unlimited", "1st Edition Holofoil", "Unlimited Holofoil"] as const;
			if (g.vintage) expect([...printings].every((p) => p === "Normal" || vintage.includes(p as never))).toBe(true);
			else expect([...printings].every((p) => ["Normal", "Holofoil", "Reverse Holofoil"].includes(p))).toBe(true);
		}
		expect(sealed).toBeGreaterThan(0);
		expect(small.groupList().some((g) => g.vintage)).toBe(true);
	});

	it("lists a new group from its publishedOn on, with its products and prices from that day", () => {
		const fresh = small.groupList().filter((g) => g.publishedOn > FIRST);
		expect(fresh.length).toBeGreaterThanOrEqual(2);
		for (const g of fresh) {
			const before = addDays(g.publishedOn, -1);
			const listed = (day: string) =>
				Groups.parse(JSON.parse(small.groups(g.categoryId, day) ?? "null")).results.some(
					(r) => r.groupId === g.groupId,
				);
			expect(listed(before)).toBe(false);
			expect(small.products(g.categoryId, g.groupId, before)).toBeNull();
			expect(small.prices(g.categoryId, g.groupId, before)).toBeNull();
			expect(listed(g.publishedOn)).toBe(true);
			const rows = Prices.parse(JSON.parse(small.prices(g.categoryId, g.groupId, g.publishedOn) ?? "null")).results;
			expect(rows.length).toBeGreaterThan(0);
			expect([...small.seriesOn(before)].some((s) => s.groupId === g.groupId)).toBe(false);
			expect([...small.seriesOn(g.publishedOn)].filter((s) => s.groupId === g.groupId).length).toBe(rows.length);
		}
	});

	it("corrects a product's name on its day, keeping its id; the group's modifiedOn is its newest product's", () => {
		const corrections = small.corrections();
		expect(corrections.length).toBeGreaterThanOrEqual(2);
		const productsOf = (categoryId: number, groupId: number, day: string) =>
			Products.parse(JSON.parse(small.products(categoryId, groupId, day) ?? "null")).results;
		const groupOf = (categoryId: number, groupId: number, day: string) =>
			Groups.parse(JSON.parse(small.groups(categoryId, day) ?? "null")).results.find((r) => r.groupId === groupId);
		for (const c of corrections) {
			const before = productsOf(c.categoryId, c.groupId, addDays(c.day, -1));
			const after = productsOf(c.categoryId, c.groupId, c.day);
			expect(after.map((p) => p.productId)).toEqual(before.map((p) => p.productId));
			const was = before.find((p) => p.productId === c.productId);
			const now = after.find((p) => p.productId === c.productId);
			expect(c.before).not.toBe(c.after);
			expect(was?.name).toBe(c.before);
			expect(now?.name).toBe(c.after);
			expect(now?.cleanName).not.toBe(was?.cleanName);
			expect((now?.modifiedOn ?? "") > (was?.modifiedOn ?? "")).toBe(true);
			expect(groupOf(c.categoryId, c.groupId, c.day)?.modifiedOn).toBe(now?.modifiedOn);
			// Every other product is the same bytes.
			expect(after.filter((p) => p.productId !== c.productId)).toEqual(
				before.filter((p) => p.productId !== c.productId),
			);
		}
		for (const day of [FIRST, LATE])
			for (const g of small.groupList().filter((g) => g.publishedOn <= day)) {
				const newest = productsOf(g.categoryId, g.groupId, day)
					.map((p) => p.modifiedOn)
					.sort()
					.at(-1);
				expect(groupOf(g.categoryId, g.groupId, day)?.modifiedOn).toBe(newest);
			}
	});
});
