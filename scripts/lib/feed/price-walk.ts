/**
 * Each series' prices over days: a seeded random walk of the log market price that moves only
 * on some days (about a quarter, so most day-over-day changes are exactly 0), around a
 * log-normal level, with spells of null marketPrice. Any day is computed alone in O(log days):
 * the walk is laid out as a Brownian bridge over 4,096 days, so its value on a day is found by
 * halving intervals, never by stepping from the first day.
 */
import { below, gauss, SALT, unit } from "./random";

/** One price row's numbers (USD, cents), as the feed gives them. */
export type Quote = {
	lowPrice: number | null;
	midPrice: number | null;
	highPrice: number | null;
	marketPrice: number | null;
	directLowPrice: number | null;
};

/** What a series' walk is drawn from. */
export type SeriesParams = { key: number; logLevel: number; vol: number; nullP: number; phase: number };

const SPAN = 4096;
/** The walk covers MID days either side of the feed's first day. */
export const WALK_DAYS = SPAN / 2;
/** The chance a day is a change day; with cent rounding of cheap cards about 3/4 of changes come out 0. */
const CHANGE_SHARE = 0.38;
/** A series changes at least once in this many days (at its own phase), so a look-back is bounded. */
const FORCED_EVERY = 32;
const MIN_PRICE = 0.01;
const MAX_PRICE = 50_000;

const cents = (x: number) => Math.min(MAX_PRICE, Math.max(MIN_PRICE, Math.round(x * 100) / 100));

/** A series' walk parameters: level around `median`, its volatility, and how often it is null. */
export function seriesParams(key: number, median: number, nullShare: number): SeriesParams {
	// Mostly-null series (null 90% of days) and the rest (5%) mixed to give the category's share.
	const mostlyNull = Math.min(1, Math.max(0, (nullShare - 0.05) / 0.85));
	return {
		key,
		logLevel: Math.log(median) + 0.9 * gauss(key, SALT.walk, -1),
		vol: 0.01 + 0.03 * unit(key, SALT.walk, -2),
		nullP: unit(key, SALT.nulls, -1) < mostlyNull ? 0.9 : 0.05,
		phase: below(FORCED_EVERY, key, SALT.change, -1),
	};
}

/** The walk at position x in [0, SPAN], less its value at the middle (the first day): W(0) = 0, unit variance per day. */
function walk(key: number, x: number): number {
	let lo = 0;
	let hi = SPAN;
	let wLo = 0;
	let wHi = Math.sqrt(SPAN) * gauss(key, SALT.walk, SPAN);
	let atMid = 0;
	while (hi - lo > 1) {
		const mid = (lo + hi) >>> 1;
		// Brownian bridge: the midpoint given both ends is their mean plus noise of variance (hi - lo) / 4.
		const wMid = (wLo + wHi) / 2 + Math.sqrt((hi - lo) / 4) * gauss(key, SALT.walk, mid);
		if (mid === WALK_DAYS) atMid = wMid;
		if (x === mid) return wMid - atMid;
		if (x < mid) {
			hi = mid;
			wHi = wMid;
		} else {
			lo = mid;
			wLo = wMid;
		}
	}
	return (x === lo ? wLo : wHi) - atMid;
}

/** The last change day at or before x. */
function lastChange(p: SeriesParams, x: number): number {
	for (let d = x; ; d--) {
		if ((((d + p.phase) % FORCED_EVERY) + FORCED_EVERY) % FORCED_EVERY === 0) return Math.max(0, d);
		if (unit(p.key, SALT.change, d) < CHANGE_SHARE) return Math.max(0, d);
	}
}

/** A series' prices on day `t` (days from the first day; |t| < WALK_DAYS). */
export function quoteAt(p: SeriesParams, t: number): Quote {
	if (!Number.isInteger(t) || Math.abs(t) >= WALK_DAYS)
		throw new RangeError(`the synthetic feed covers ${WALK_DAYS - 1} days either side of its first day`);
	const c = lastChange(p, WALK_DAYS + t);
	const price = Math.exp(p.logLevel + p.vol * walk(p.key, c));
	const u = (n: number) => unit(p.key, SALT.spread, c, n);
	const low = cents(price * (0.55 + 0.4 * u(1)));
	const mid = cents(price * (1 + 0.3 * u(2)));
	const high = cents(price * (1.5 + 8 * u(3) ** 2));
	if (unit(p.key, SALT.nulls, c) < p.nullP) {
		// No recent sale: sometimes listings still give low/mid/high, sometimes nothing at all.
		const listed = u(0) < 0.5;
		return {
			lowPrice: listed ? low : null,
			midPrice: listed ? mid : null,
			highPrice: listed ? high : null,
			marketPrice: null,
			directLowPrice: null,
		};
	}
	return {
		lowPrice: low,
		midPrice: mid,
		highPrice: high,
		marketPrice: cents(price),
		directLowPrice: u(4) < 0.15 ? cents(price * (1 + 0.1 * u(5))) : null,
	};
}
