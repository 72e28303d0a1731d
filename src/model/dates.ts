/** Calendar arithmetic on ISO dates (YYYY-MM-DD, UTC): pure, no time zones. */

const DAY_MS = 86_400_000;

/** `date` moved by `days` calendar days (negative moves back). */
export function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Today's UTC date. */
export const todayUtc = (now: Date = new Date()) => now.toISOString().slice(0, 10);

/** The later of two ISO dates (ISO dates order as strings). */
export const laterDate = (a: string, b: string): string => (a < b ? b : a);

/** The earlier of two ISO dates. */
export const earlierDate = (a: string, b: string): string => (b < a ? b : a);

/** Index of `date` in an ascending list of ISO dates, or -1. */
export function indexOfDate(dates: readonly string[], date: string): number {
	let lo = 0;
	let hi = dates.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const d = dates[mid] as string;
		if (d === date) return mid;
		if (d < date) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}

/** The observed dates nearest to `date` on either side (for "no price on that date" answers). */
export function nearestDates(dates: readonly string[], date: string): { before: string | null; after: string | null } {
	let lo = 0;
	let hi = dates.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((dates[mid] as string) < date) lo = mid + 1;
		else hi = mid;
	}
	const before = dates[lo - 1] ?? null;
	const at = dates[lo];
	const after = at === date ? (dates[lo + 1] ?? null) : (at ?? null);
	return { before, after };
}
