/**
 * The text of a synthetic product: its name (always "Synthetic …", or its set's "SYN …" name
 * for sealed products), cleanName, links and extendedData, in the feed's product shape.
 */

import { SEALED_EVERY, SEALED_KINDS, type Skeleton } from "./cards";
import type { GroupInfo } from "./catalogue";
import { feedTime } from "./catalogue";
import { type PyValue, pyJson } from "./py-json";
import { below, pick, SALT, unit } from "./random";

/** Hosts for synthetic links: same paths as the real ones, on names that never resolve. */
export const SYNTHETIC_SITE = "https://tcgplayer.synthetic.invalid";
export const SYNTHETIC_CDN = "https://tcgplayer-cdn.synthetic.invalid";

const SPECIES =
	"Pikachu Charizard Lugia Mewtwo Eevee Gengar Snorlax Gardevoir Lucario Rayquaza Umbreon Sylveon Greninja Bulbasaur Squirtle Dragonite Gyarados Tyranitar Miraidon Koraidon Arceus Giratina Mimikyu Zoroark Blastoise Venusaur Jigglypuff Psyduck Magikarp Ditto Farfetch'd Flabébé Mr. Mime Porygon-Z Nidoran♀ Ho-Oh Kangaskhan Alakazam Machamp Scizor".split(
		" ",
	);
const TRAINERS = [
	"Professor's Research",
	"Boss's Orders",
	"Rare Candy",
	"Ultra Ball",
	"Nest Ball",
	"Potion",
	"Energy Retrieval",
	"Iono",
	"Switch",
	"Town Store",
];
const TYPES = "Grass Fire Water Lightning Psychic Fighting Darkness Metal Dragon Colorless".split(" ");
const TRAINER_TYPES = ["Item", "Supporter", "Stadium", "Pokemon Tool"];
const MOVES = "Strike Tackle Blast Surge Dive Slash Burst Wave Pulse Crush".split(" ");
const field = (name: string, displayName: string, value: string) => ({ name, displayName, value });

/** How many of a group's first `k` slots are sealed. */
function sealedBefore(group: GroupInfo, k: number): number {
	const first = (SEALED_EVERY - (group.sealedOffset % SEALED_EVERY)) % SEALED_EVERY;
	return first < k ? Math.floor((k - 1 - first) / SEALED_EVERY) + 1 : 0;
}

/** A product's correct name (a card's carries its number in the set). */
export function productName(seed: number, group: GroupInfo, k: number, s: Skeleton): string {
	const before = sealedBefore(group, k);
	if (s.sealed) {
		const round = Math.floor(before / SEALED_KINDS.length);
		return `${group.name} ${SEALED_KINDS[before % SEALED_KINDS.length]}${round ? ` ${round + 1}` : ""}`;
	}
	const number = k - before + 1;
	if (s.kind === "trainer") return `Synthetic ${pick(TRAINERS, seed, SALT.product, group.index, k, 5)} ${number}`;
	const species = pick(SPECIES, seed, SALT.product, group.index, k, 5);
	const suffix =
		s.rarity === "Double Rare" || s.rarity === "Hyper Rare"
			? " ex"
			: s.rarity === "Ultra Rare"
				? pick([" ex", " V", " VSTAR", " VMAX"], seed, SALT.product, group.index, k, 6)
				: "";
	return `Synthetic ${species}${suffix} ${number}`;
}

/** The name as first published, with a letter doubled, for a product whose name is corrected later. */
export function misspelt(name: string): string {
	const at = name.indexOf(" ") + 3;
	return `${name.slice(0, at)}${name[at] ?? ""}${name.slice(at)}`;
}

/** TCGplayer's cleanName: accents and punctuation dropped, slashes and hyphens as spaces. */
export const cleanName = (name: string) =>
	name
		.normalize("NFD")
		.replace(/[\u0300-\u036f]/g, "")
		.replace(/[/-]/g, " ")
		.replace(/[^A-Za-z0-9 ]/g, "")
		.replace(/ +/g, " ")
		.trim();

const slug = (text: string) =>
	cleanName(text)
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-");

/** A card's or sealed product's extendedData. */
function extendedData(seed: number, group: GroupInfo, k: number, s: Skeleton): PyValue[] {
	const u = (n: number) => unit(seed, SALT.product, group.index, k, 10 + n);
	if (s.sealed) return u(0) < 0.5 ? [] : [field("CardText", "Card Text", `Synthetic ${group.name} sealed product.`)];
	const number = k - sealedBefore(group, k) + 1;
	const printed = Math.max(1, Math.round(group.cardCount * 0.9));
	const out: PyValue[] = [
		field("Number", "Card Number", `${String(number).padStart(3, "0")}/${String(printed).padStart(3, "0")}`),
		field("Rarity", "Rarity", s.rarity ?? "Common"),
	];
	if (s.kind === "trainer") {
		out.push(field("Card Type", "Card Type", pick(TRAINER_TYPES, seed, SALT.product, group.index, k, 7)));
		out.push(
			field(
				"CardText",
				"Card Text",
				"Search your deck for a Basic Pokémon and put it onto your Bench.<br>Then, shuffle your deck.",
			),
		);
		return out;
	}
	const type = pick(TYPES, seed, SALT.product, group.index, k, 8);
	const stage =
		s.rarity === "Ultra Rare"
			? "VSTAR"
			: pick(["Basic", "Basic", "Stage 1", "Stage 2"], seed, SALT.product, group.index, k, 9);
	out.push(
		field("Card Type", "Card Type", type),
		field("HP", "HP", String(30 + 10 * below(30, seed, SALT.product, group.index, k, 20))),
	);
	out.push(field("Stage", "Stage", stage));
	if (u(1) < 0.5)
		out.push(field("CardText", "Card Text", "Once during your turn, you may draw a card. (Synthetic ability.)"));
	const move = (n: number) =>
		`[${1 + below(3, seed, SALT.product, group.index, k, 30 + n)}${type[0]}] Synthetic ${pick(MOVES, seed, SALT.product, group.index, k, 40 + n)} (${10 * (1 + below(25, seed, SALT.product, group.index, k, 50 + n))})`;
	out.push(field("Attack 1", "Attack 1", move(1)));
	if (u(2) < 0.6) out.push(field("Attack 2", "Attack 2", move(2)));
	out.push(field("Weakness", "Weakness", `${pick(TYPES, seed, SALT.product, group.index, k, 60)[0]}x2`));
	if (u(3) < 0.3)
		out.push(field("Resistance", "Resistance", `${pick(TYPES, seed, SALT.product, group.index, k, 61)[0]}-30`));
	out.push(field("RetreatCost", "Retreat Cost", String(below(5, seed, SALT.product, group.index, k, 62))));
	return out;
}

/** One product's JSON text in the feed's shape. */
export function productJson(
	seed: number,
	group: GroupInfo,
	k: number,
	s: Skeleton,
	productId: number,
	name: string,
	modifiedMs: number,
): string {
	return pyJson({
		productId,
		name,
		cleanName: cleanName(name),
		imageUrl: `${SYNTHETIC_CDN}/product/${productId}_200w.jpg`,
		categoryId: group.categoryId,
		groupId: group.groupId,
		url: `${SYNTHETIC_SITE}/product/${productId}/pokemon-${slug(group.name)}-${slug(name)}`,
		modifiedOn: feedTime(modifiedMs),
		imageCount: s.sealed && unit(seed, SALT.product, group.index, k, 70) < 0.3 ? 0 : 1,
		presaleInfo: { isPresale: false, releasedOn: null, note: null },
		extendedData: extendedData(seed, group, k, s),
	});
}
