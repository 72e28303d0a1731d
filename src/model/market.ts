/**
 * The same day's moves of a card's set and of the whole market: means of the cards' 1- and
 * 7-observation log returns per date. Shards sum their own counts (`MarketTally`), the tallies
 * merge exactly by adding, and the merged table (`MarketTable`) gives each card-day its
 * cross-sectional features. Pure.
 */

/** Sums and counts of r1 and r7 per date, for the market and per set. */
export type MarketTally = {
	market: Record<string, [number, number, number, number]>;
	sets: Record<string, Record<string, [number, number, number, number]>>;
};

/** An empty tally. */
export const emptyMarketTally = (): MarketTally => ({ market: {}, sets: {} });

const addTo = (into: Record<string, [number, number, number, number]>, date: string, r1: number, r7: number) => {
	let cell = into[date];
	if (!cell) {
		cell = [0, 0, 0, 0];
		into[date] = cell;
	}
	if (!Number.isNaN(r1)) {
		cell[0] += r1;
		cell[1]++;
	}
	if (!Number.isNaN(r7)) {
		cell[2] += r7;
		cell[3]++;
	}
};

/** Counts one card-day's returns (NaN where undefined) into the market and its set. */
export function tallyDay(t: MarketTally, set: string, date: string, r1: number, r7: number): void {
	addTo(t.market, date, r1, r7);
	let s = t.sets[set];
	if (!s) {
		s = {};
		t.sets[set] = s;
	}
	addTo(s, date, r1, r7);
}

/** Adds `from` into `into`. */
export function mergeMarketTally(into: MarketTally, from: MarketTally): MarketTally {
	const merge = (
		a: Record<string, [number, number, number, number]>,
		b: Record<string, [number, number, number, number]>,
	) => {
		for (const [date, cell] of Object.entries(b)) {
			const c = a[date];
			if (!c) a[date] = [...cell];
			else for (let i = 0; i < 4; i++) (c[i] as number) += cell[i] as number;
		}
	};
	merge(into.market, from.market);
	for (const [set, dates] of Object.entries(from.sets)) {
		let s = into.sets[set];
		if (!s) {
			s = {};
			into.sets[set] = s;
		}
		merge(s, dates);
	}
	return into;
}

/** Mean r1 and r7 per date: the market's and each set's (null where no card had one). */
export type MarketTable = {
	market: Record<string, [number | null, number | null]>;
	sets: Record<string, Record<string, [number | null, number | null]>>;
};

const means = (cells: Record<string, [number, number, number, number]>) =>
	Object.fromEntries(
		Object.entries(cells).map(([date, [s1, n1, s7, n7]]) => [date, [n1 > 0 ? s1 / n1 : null, n7 > 0 ? s7 / n7 : null]]),
	) as Record<string, [number | null, number | null]>;

/** The means of a merged tally. */
export function marketTable(t: MarketTally): MarketTable {
	return {
		market: means(t.market),
		sets: Object.fromEntries(Object.entries(t.sets).map(([set, cells]) => [set, means(cells)])),
	};
}

/** The cross-sectional features, in the order the model stores them. */
export const CROSS_FEATURES = ["mkt_r1", "mkt_r7", "set_r1", "set_r7", "rel_r1", "rel_r7"] as const;

const nan = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);

/** One card-day's cross-sectional features, given the card's own r1 and r7 (NaN where undefined). */
export function crossFeatures(table: MarketTable, set: string, date: string, r1: number, r7: number): number[] {
	const m = table.market[date];
	const s = table.sets[set]?.[date];
	const setR1 = nan(s?.[0]);
	const setR7 = nan(s?.[1]);
	return [nan(m?.[0]), nan(m?.[1]), setR1, setR7, r1 - setR1, r7 - setR7];
}
