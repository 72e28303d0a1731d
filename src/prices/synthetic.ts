/**
 * Generated prices for benchmarking the pipeline at scale: never real, never mixed with real data.
 * A source `synthetic:<cards>x<days>:<seed>` names `cards` cards (`syn-0000001`, …) observed over
 * the `days` calendar days up to the run date. Each card is its own seeded random walk, so any
 * shard is generated alone, in the same bytes every time, without generating the others.
 */
import type { PriceRow } from "../model/card-series";
import { addDays } from "../model/dates";

/** What a synthetic source generates. */
export type SyntheticSpec = { cards: number; days: number; seed: number };

/** The `source` of a synthetic run, e.g. `synthetic:20000x180:1`. */
export const SYNTHETIC_SOURCE_PATTERN = /^synthetic:([1-9]\d{0,6})x([1-9]\d{0,3}):(\d{1,9})$/;
/** Every synthetic card id starts with this; every synthetic row's `source` is `synthetic`. */
export const SYNTHETIC_CARD_PREFIX = "syn-";
export const SYNTHETIC_ROW_SOURCE = "synthetic";

/** Whether a run source is synthetic. */
export const isSyntheticSource = (source: string) => source.startsWith("synthetic:");

/** The spec a synthetic source names, or null when it is not one. */
export function parseSyntheticSource(source: string): SyntheticSpec | null {
	const m = SYNTHETIC_SOURCE_PATTERN.exec(source);
	return m ? { cards: Number(m[1]), days: Number(m[2]), seed: Number(m[3]) } : null;
}

/** The id of card `index` (1-based), zero-padded so id order is index order. */
export const syntheticCardId = (index: number) => `${SYNTHETIC_CARD_PREFIX}${String(index).padStart(7, "0")}`;

/** The index of a synthetic card id. */
export const syntheticIndex = (cardId: string) => Number(cardId.slice(SYNTHETIC_CARD_PREFIX.length));

/** A 32-bit hash of the seed and card index (murmur3's finaliser), so cards get independent streams. */
function mix(seed: number, index: number): number {
	let h = (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: a small, fast, seeded uniform generator on [0, 1). */
function uniform(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** Standard normal draws (Box-Muller) from a uniform generator. */
const normal = (u: () => number) => () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * One card's observed prices up to `runDate`: a geometric random walk with its own drift and
 * volatility, rare jumps (a reprint, a tournament), a listing date (a fifth of the cards appear
 * late), days without a sale, and outages of several days with no observation at all.
 */
export function syntheticCard(
	spec: SyntheticSpec,
	runDate: string,
	index: number,
	dates: readonly string[] = syntheticDates(spec, runDate),
): PriceRow[] {
	const u = uniform(mix(spec.seed, index));
	const n = normal(u);
	const price0 = Math.min(3000, Math.max(0.5, 12 * Math.exp(1.2 * n())));
	const drift = (0.25 * n()) / 365;
	const volatility = 0.008 + 0.032 * u();
	const observed = 0.5 + 0.47 * u();
	const listed = u() < 0.2 ? Math.floor(u() * spec.days * 0.6) : 0;
	const card_id = syntheticCardId(index);
	const card_name = `Synthetic card ${index}`;
	const set_name = `Synthetic set ${Math.ceil(index / 100)}`;
	const rows: PriceRow[] = [];
	let log = Math.log(price0);
	let outage = 0;
	for (let day = 0; day < spec.days; day++) {
		log += drift - volatility ** 2 / 2 + volatility * n();
		if (u() < 0.005) log += 0.2 * n();
		if (day < listed) continue;
		if (outage > 0) {
			outage--;
			continue;
		}
		if (u() < 0.01) outage = 3 + Math.floor(u() * 12);
		if (u() >= observed) continue;
		const market_price = Math.max(0.01, round2(Math.exp(log) * (1 + 0.01 * n())));
		rows.push({ card_id, card_name, set_name, date: dates[day] as string, market_price, source: SYNTHETIC_ROW_SOURCE });
	}
	return rows;
}

/** The `days` calendar days up to and including `runDate`, in order. */
export function syntheticDates(spec: SyntheticSpec, runDate: string): string[] {
	return Array.from({ length: spec.days }, (_, day) => addDays(runDate, day - (spec.days - 1)));
}

/** The rows of cards `first` to `last` (1-based, inclusive), card by card: one shard, never more. */
export function syntheticRows(spec: SyntheticSpec, runDate: string, first: number, last: number): PriceRow[] {
	const dates = syntheticDates(spec, runDate);
	const rows: PriceRow[] = [];
	for (let i = Math.max(1, first); i <= Math.min(spec.cards, last); i++) {
		for (const row of syntheticCard(spec, runDate, i, dates)) rows.push(row);
	}
	return rows;
}
