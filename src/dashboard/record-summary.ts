/** The track record panel's pure parts: the query for a window of run dates, and what the summary means. */
import type { TrackRecordSummary } from "./types";

/** The first run date of the last `days` days up to `now` (UTC), for `from=`. */
export function sinceDays(days: number, now = new Date()): string {
	const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
	return start.toISOString().slice(0, 10);
}

/** The query of the summary for a window of run dates (`""`: all of them). */
export function recordQuery(window: string, now = new Date()): string {
	const days = Number(window);
	return `/v1/track-record?limit=1${window && Number.isInteger(days) && days > 0 ? `&from=${sinceDays(days, now)}` : ""}`;
}

/** What the summary means in a line, or why it is empty. */
export function recordNote(s: TrackRecordSummary): string {
	if (!s.records) return "No published answers yet: every run records what it published, card by card.";
	if (!s.decided)
		return "No outcome is known yet: an answer is decided once the price first moves by the run's move within its horizon.";
	return "Precision: the share of decided signals whose price first moved their way. Base rate: that share over every decided answer. Edge: the difference, in percentage points.";
}
