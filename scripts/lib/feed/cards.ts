/**
 * What each synthetic product is, before any text: a card (rarity, kind, printings) or a sealed
 * product, drawn from the seed, its group's index and its position. Cheap, so the catalogue's
 * layout and every series can be known without writing a product's JSON.
 */
import { SALT, unit } from "./random";

/** The printings (`subTypeName`) the feed prices a product in. */
export type Printing =
	| "Normal"
	| "Holofoil"
	| "Reverse Holofoil"
	| "1st Edition"
	| "Unlimited"
	| "1st Edition Holofoil"
	| "Unlimited Holofoil";

/** One product's nature: its printings are listed in the order its price rows come. */
export type Skeleton = {
	sealed: boolean;
	kind: "pokemon" | "trainer" | "sealed";
	rarity: string | null;
	printings: readonly Printing[];
	/** The median market price of its first printing, in USD, before the series' own noise. */
	median: number;
};

/** A product slot is sealed once in every 33 (about 3%), at a per-group offset. */
export const SEALED_EVERY = 33;

type Rarity = { name: string; share: number; median: number };
const MODERN: readonly Rarity[] = [
	{ name: "Common", share: 0.32, median: 0.12 },
	{ name: "Uncommon", share: 0.27, median: 0.18 },
	{ name: "Rare", share: 0.1, median: 0.45 },
	{ name: "Holo Rare", share: 0.02, median: 1.2 },
	{ name: "Double Rare", share: 0.08, median: 1.5 },
	{ name: "Ultra Rare", share: 0.07, median: 4 },
	{ name: "Illustration Rare", share: 0.08, median: 6 },
	{ name: "Special Illustration Rare", share: 0.04, median: 35 },
	{ name: "Hyper Rare", share: 0.02, median: 20 },
];
const VINTAGE: readonly Rarity[] = [
	{ name: "Common", share: 0.35, median: 0.9 },
	{ name: "Uncommon", share: 0.3, median: 1.4 },
	{ name: "Rare", share: 0.15, median: 4 },
	{ name: "Holo Rare", share: 0.2, median: 25 },
];

/** Printing price multipliers relative to the product's first printing. */
export const PRINTING_FACTOR: Record<Printing, number> = {
	Normal: 1,
	Holofoil: 1.8,
	"Reverse Holofoil": 1.6,
	"1st Edition": 3.5,
	Unlimited: 1,
	"1st Edition Holofoil": 4,
	"Unlimited Holofoil": 1,
};

function rarityOf(table: readonly Rarity[], u: number): Rarity {
	let acc = 0;
	for (const r of table) {
		acc += r.share;
		if (u < acc) return r;
	}
	return table[table.length - 1] as Rarity;
}

function modernPrintings(rarity: string, u: number): readonly Printing[] {
	if (rarity === "Common" || rarity === "Uncommon")
		return u < 0.12
			? ["Normal"]
			: u < 0.95
				? ["Normal", "Reverse Holofoil"]
				: ["Normal", "Holofoil", "Reverse Holofoil"];
	if (rarity === "Rare")
		return u < 0.7
			? ["Holofoil", "Reverse Holofoil"]
			: u < 0.85
				? ["Normal", "Reverse Holofoil"]
				: ["Normal", "Holofoil", "Reverse Holofoil"];
	if (rarity === "Holo Rare") return ["Holofoil", "Reverse Holofoil"];
	return ["Holofoil"];
}

function vintagePrintings(rarity: string, u: number): readonly Printing[] {
	if (rarity === "Holo Rare") return u < 0.8 ? ["1st Edition Holofoil", "Unlimited Holofoil"] : ["Unlimited Holofoil"];
	return u < 0.7 ? ["1st Edition", "Unlimited"] : ["Unlimited"];
}

/** Where a group's product `k` stands: what it is, whatever the day. */
export function skeleton(
	seed: number,
	group: { index: number; vintage: boolean; sealedOffset: number },
	k: number,
): Skeleton {
	if ((k + group.sealedOffset) % SEALED_EVERY === 0) {
		const median = 45 * Math.exp(0.8 * (unit(seed, SALT.product, group.index, k, 1) - 0.5));
		return { sealed: true, kind: "sealed", rarity: null, printings: ["Normal"], median };
	}
	const rarity = rarityOf(group.vintage ? VINTAGE : MODERN, unit(seed, SALT.product, group.index, k, 2));
	const u = unit(seed, SALT.product, group.index, k, 3);
	const printings = group.vintage ? vintagePrintings(rarity.name, u) : modernPrintings(rarity.name, u);
	const kind = unit(seed, SALT.product, group.index, k, 4) < 0.2 ? "trainer" : "pokemon";
	return { sealed: false, kind, rarity: rarity.name, printings, median: rarity.median };
}

/** The kinds of sealed product a set has, in the order a group's sealed slots take them. */
export const SEALED_KINDS = [
	"Booster Box",
	"Booster Pack",
	"Elite Trainer Box",
	"Booster Bundle",
	"Build & Battle Box",
	"Collection Tin",
	"Sleeved Booster Pack",
	"Premium Collection",
] as const;
