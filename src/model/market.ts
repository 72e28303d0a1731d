/**
 * The same day's moves of a card's set and of the whole market: means of the cards' 1- and
 * 7-observation log returns per date. Shards sum their own counts (`MarketTally`), the tallies
 * merge exactly by adding, and the merged table (`MarketTable`) gives each card-day its
 * cross-sectional features. Pure.
 *
 * Each series (the market's, and one per set) is one flat array over consecutive dates from its
 * first: four numbers a date in a tally, two in the table, not an object per date. The table is
 * one buffer of doubles, stored as is: a thousand sets over a year are 6 MB, read without a copy.
 */

/** Consecutive dates from `from` (ISO), `width` numbers per date in `cells`. */
export type DayRow = { from: string; cells: number[] };

/** Sums and counts of r1 and r7 per date (`[sum r1, n r1, sum r7, n r7]`), for the market and per set. */
export type MarketTally = { market: DayRow | null; sets: Record<string, DayRow> };

/** One series of the table: mean r1 and r7 per date from `from` (`[r1, r7]` a date, NaN where no card had one). */
export type TableRow = { from: string; cells: Float64Array };

/**
 * The means of a merged tally: the market's and each set's. All rows are views into one buffer
 * laid out as its bytes (`marketTableBytes`): a table is written and read without a copy.
 */
export type MarketTable = { market: TableRow | null; sets: Record<string, TableRow>; bytes: Uint8Array };

const TALLY_WIDTH = 4;
const TABLE_WIDTH = 2;
const DAY_MS = 86_400_000;

// Day numbers of the dates seen (a run has a few hundred): the hot loops look dates up, not parse them.
const dayNumbers = new Map<string, number>();
const dayNumber = (date: string): number => {
	let d = dayNumbers.get(date);
	if (d === undefined) {
		d = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
		if (Number.isNaN(d)) throw new Error(`not an ISO date: ${date}`);
		dayNumbers.set(date, d);
	}
	return d;
};
const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The offset of `day`'s first cell in `row`, growing the row (with zeros) to cover it. */
function cellOf(row: DayRow, day: number, width: number): number {
	const start = dayNumber(row.from);
	if (day < start) {
		const pad = new Array<number>((start - day) * width).fill(0);
		row.cells = pad.concat(row.cells);
		row.from = isoDate(day);
		return 0;
	}
	const at = (day - start) * width;
	while (row.cells.length < at + width) row.cells.push(0);
	return at;
}

/** An empty tally. */
export const emptyMarketTally = (): MarketTally => ({ market: null, sets: {} });

const newRow = (date: string): DayRow => ({ from: date, cells: [] });

function addTo(row: DayRow, day: number, r1: number, r7: number) {
	const at = cellOf(row, day, TALLY_WIDTH);
	const c = row.cells;
	if (!Number.isNaN(r1)) {
		(c[at] as number) += r1;
		(c[at + 1] as number)++;
	}
	if (!Number.isNaN(r7)) {
		(c[at + 2] as number) += r7;
		(c[at + 3] as number)++;
	}
}

/** Counts one card-day's returns (NaN where undefined) into the market and its set. */
export function tallyDay(t: MarketTally, set: string, date: string, r1: number, r7: number): void {
	const day = dayNumber(date);
	t.market ??= newRow(date);
	addTo(t.market, day, r1, r7);
	let s = t.sets[set];
	if (!s) {
		s = newRow(date);
		t.sets[set] = s;
	}
	addTo(s, day, r1, r7);
}

/** Adds row `b` into row `a` (a copy of `b` when there is no `a`). */
function mergeRow(a: DayRow | null | undefined, b: DayRow): DayRow {
	if (!a) return { from: b.from, cells: [...b.cells] };
	if (b.cells.length === 0) return a;
	const start = dayNumber(b.from);
	const days = b.cells.length / TALLY_WIDTH;
	// Cover b's last day first, then its first: both ends are then in range.
	cellOf(a, start + days - 1, TALLY_WIDTH);
	const at = cellOf(a, start, TALLY_WIDTH);
	const c = a.cells;
	for (let i = 0; i < b.cells.length; i++) (c[at + i] as number) += b.cells[i] as number;
	return a;
}

/** Adds `from` into `into`. */
export function mergeMarketTally(into: MarketTally, from: MarketTally): MarketTally {
	if (from.market) into.market = mergeRow(into.market, from.market);
	for (const [set, row] of Object.entries(from.sets)) into.sets[set] = mergeRow(into.sets[set], row);
	return into;
}

/** Where each row's means sit in a table's buffer (in doubles from its start). */
type Layout = { market: Slot | null; sets: Record<string, Slot> };
type Slot = { from: string; offset: number; days: number };

/**
 * The means of a merged tally, in one buffer: a little-endian u32 header length, the JSON layout,
 * zero padding to 8 bytes, then every row's doubles. Its bytes are what is stored.
 */
export function marketTable(t: MarketTally): MarketTable {
	let offset = 0;
	const slot = (row: DayRow): Slot => {
		const days = row.cells.length / TALLY_WIDTH;
		const s = { from: row.from, offset, days };
		offset += days * TABLE_WIDTH;
		return s;
	};
	const layout: Layout = { market: t.market ? slot(t.market) : null, sets: {} };
	for (const [set, row] of Object.entries(t.sets)) layout.sets[set] = slot(row);
	const header = new TextEncoder().encode(JSON.stringify(layout));
	const start = Math.ceil((4 + header.length) / 8) * 8;
	const bytes = new Uint8Array(start + offset * 8);
	new DataView(bytes.buffer).setUint32(0, header.length, true);
	bytes.set(header, 4);
	const cells = new Float64Array(bytes.buffer, start, offset);
	const fill = (row: DayRow, s: Slot) => {
		const c = row.cells;
		for (let d = 0; d < s.days; d++) {
			const at = d * TALLY_WIDTH;
			const n1 = c[at + 1] as number;
			const n7 = c[at + 3] as number;
			cells[s.offset + d * TABLE_WIDTH] = n1 > 0 ? (c[at] as number) / n1 : Number.NaN;
			cells[s.offset + d * TABLE_WIDTH + 1] = n7 > 0 ? (c[at + 2] as number) / n7 : Number.NaN;
		}
	};
	if (t.market && layout.market) fill(t.market, layout.market);
	for (const [set, row] of Object.entries(t.sets)) fill(row, layout.sets[set] as Slot);
	return viewOf(bytes, layout, start);
}

function viewOf(bytes: Uint8Array, layout: Layout, start: number): MarketTable {
	const row = (s: Slot): TableRow => ({
		from: s.from,
		cells: new Float64Array(bytes.buffer, bytes.byteOffset + start + s.offset * 8, s.days * TABLE_WIDTH),
	});
	const sets: Record<string, TableRow> = {};
	for (const [set, s] of Object.entries(layout.sets)) sets[set] = row(s);
	return { market: layout.market ? row(layout.market) : null, sets, bytes };
}

/** A table read back from its bytes (no copy of the means). */
export function readMarketTable(buffer: ArrayBuffer): MarketTable {
	const bytes = new Uint8Array(buffer);
	const length = new DataView(buffer).getUint32(0, true);
	const layout = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Layout;
	return viewOf(bytes, layout, Math.ceil((4 + length) / 8) * 8);
}

/** The cross-sectional features, in the order the model stores them. */
export const CROSS_FEATURES = ["mkt_r1", "mkt_r7", "set_r1", "set_r7", "rel_r1", "rel_r7"] as const;

/** Row `row`'s mean `k` (0: r1, 1: r7) on `day`, NaN when it has none. */
function meanOn(row: TableRow | null | undefined, day: number, k: number): number {
	if (!row) return Number.NaN;
	const at = (day - dayNumber(row.from)) * TABLE_WIDTH + k;
	return at >= 0 && at < row.cells.length ? (row.cells[at] as number) : Number.NaN;
}

/** One card-day's cross-sectional features, given the card's own r1 and r7 (NaN where undefined). */
export function crossFeatures(table: MarketTable, set: string, date: string, r1: number, r7: number): number[] {
	const day = dayNumber(date);
	const s = table.sets[set];
	const setR1 = meanOn(s, day, 0);
	const setR7 = meanOn(s, day, 1);
	return [meanOn(table.market, day, 0), meanOn(table.market, day, 1), setR1, setR7, r1 - setR1, r7 - setR7];
}
