import { utcDay } from "./bucket";
import type { UsageCount } from "./types";

/** Days of counts kept (today included). */
export const USAGE_DAYS = 30;
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The `usage` table of a key's limiter object (its SQLite storage): requests per UTC day and
 * route pattern, `USAGE_DAYS` of them. Plain functions over the object's SqlStorage.
 */
export const usageTable = {
	/** Whether the table exists; with `create`, makes sure it does. */
	ready(sql: SqlStorage, create = false): boolean {
		const exists = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'usage'").toArray().length;
		if (!exists && !create) return false;
		if (!exists)
			sql.exec(
				`CREATE TABLE usage (
					day TEXT NOT NULL, route TEXT NOT NULL,
					requests INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0,
					PRIMARY KEY (day, route)
				) WITHOUT ROWID`,
			);
		return true;
	},

	/** The counts worth storing: well-formed days, whole non-negative numbers, not all zero. */
	valid(usage: UsageCount[] | undefined): UsageCount[] {
		return (usage ?? []).filter(
			(u) =>
				DAY.test(u.day) &&
				typeof u.route === "string" &&
				Number.isInteger(u.requests) &&
				Number.isInteger(u.refused) &&
				u.requests >= 0 &&
				u.refused >= 0 &&
				u.requests + u.refused > 0,
		);
	},

	/** Adds counts (the table must exist); the object's implicit transaction makes a batch one write. */
	add(sql: SqlStorage, counts: UsageCount[]): void {
		for (const u of counts)
			sql.exec(
				`INSERT INTO usage (day, route, requests, refused) VALUES (?, ?, ?, ?)
				 ON CONFLICT (day, route) DO UPDATE SET requests = requests + excluded.requests, refused = refused + excluded.refused`,
				u.day,
				u.route.slice(0, 200),
				u.requests,
				u.refused,
			);
	},

	/** Deletes days older than USAGE_DAYS before `now`; returns the oldest day left, or null. */
	prune(sql: SqlStorage, now: number): string | null {
		sql.exec("DELETE FROM usage WHERE day < ?", utcDay(now - (USAGE_DAYS - 1) * DAY_MS));
		return sql.exec<{ day: string | null }>("SELECT MIN(day) AS day FROM usage").one().day ?? null;
	},

	/** The rows of the last `days` days before `now`, by day then route. */
	since(sql: SqlStorage, now: number, days: number): UsageCount[] {
		const from = utcDay(now - (Math.max(1, days) - 1) * DAY_MS);
		return sql
			.exec<UsageCount>("SELECT day, route, requests, refused FROM usage WHERE day >= ? ORDER BY day, route", from)
			.toArray();
	},
};
