/** A card's track record on its chart: how each published BUY or SELL turned out, placed on the chart's days. */
import type { TrackRecordEntry } from "./types";

/** How a published answer turned out: a BUY or SELL is right, wrong, undecided or pending; a HOLD is not judged. */
export type Verdict = "right" | "wrong" | "undecided" | "pending" | "hold";

/** The verdicts the chart marks, in the legend's order. */
export const MARKED = ["right", "wrong", "undecided", "pending"] as const;

/** A verdict the chart marks. */
export type Marked = (typeof MARKED)[number];

/**
 * A BUY is right when the price moved up by `move` first within the horizon, a SELL when it
 * moved down first; the other way is wrong; `none` (neither move within the horizon) is
 * undecided; no outcome yet is pending. A HOLD (or an unknown signal) is not judged.
 */
export function verdictOf(record: Pick<TrackRecordEntry, "signal" | "outcome">): Verdict {
	const side = record.signal === "BUY" ? "up" : record.signal === "SELL" ? "down" : null;
	if (side === null) return "hold";
	if (record.outcome === null || record.outcome === undefined) return "pending";
	if (record.outcome === "none") return "undecided";
	if (record.outcome === "up" || record.outcome === "down") return record.outcome === side ? "right" : "wrong";
	return "pending"; // an outcome this page does not know: not judged yet, as far as it can tell
}

/** Counts of a card's published answers by verdict; `offChart` are BUY/SELL answers about days the chart does not have. */
export type RecordCounts = Record<Verdict, number> & { answers: number; marked: number; offChart: number };

/** The marks: per verdict, the price at each chart day with such an answer (null elsewhere), and the answer itself. */
export type RecordMarks = Record<Marked, (number | null)[]> & {
	/** The answer marked on each chart day (the newest run's, when several were about the same day). */
	at: (TrackRecordEntry | null)[];
	counts: RecordCounts;
};

const isPrice = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Places the published BUY and SELL answers on the chart's days (`days`: `YYYY-MM-DD` per
 * point, `prices`: the market price per point) at the price they were published with, and
 * counts every answer, HOLDs included.
 */
export function recordMarks(
	days: readonly string[],
	prices: readonly number[],
	records: readonly TrackRecordEntry[],
): RecordMarks {
	const index = new Map(days.map((d, i) => [d, i]));
	const empty = () => days.map((): number | null => null);
	const marks: RecordMarks = {
		right: empty(),
		wrong: empty(),
		undecided: empty(),
		pending: empty(),
		at: days.map(() => null),
		counts: { answers: 0, marked: 0, offChart: 0, right: 0, wrong: 0, undecided: 0, pending: 0, hold: 0 },
	};
	for (const r of records) {
		if (typeof r?.date !== "string") continue;
		const verdict = verdictOf(r);
		marks.counts.answers++;
		marks.counts[verdict]++;
		if (verdict === "hold") continue;
		const i = index.get(r.date);
		if (i === undefined) {
			marks.counts.offChart++;
			continue;
		}
		const shown = marks.at[i];
		if (shown && shown.run_date >= r.run_date) continue; // a newer run's answer about the same day is shown
		if (shown) for (const v of MARKED) marks[v][i] = null;
		else marks.counts.marked++;
		marks.at[i] = r;
		marks[verdict][i] = isPrice(r.market_price) ? r.market_price : (prices[i] ?? null);
	}
	return marks;
}

/** The track record's line under the chart: every published answer counted by how it turned out. */
export function recordLine(c: RecordCounts, complete: boolean): string {
	if (c.answers === 0) return "No published answers for this card yet.";
	const calls = [`${c.right} right`, `${c.wrong} wrong`, `${c.undecided} undecided`, `${c.pending} pending`];
	return [
		`Track record${complete ? "" : " (the newest runs)"}: ${c.answers} published answer${c.answers === 1 ? "" : "s"}`,
		`BUY and SELL ${calls.join(", ")}`,
		`${c.hold} HOLD`,
		c.offChart ? `${c.offChart} about days off the chart` : "",
	]
		.filter(Boolean)
		.join(" · ");
}
