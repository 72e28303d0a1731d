/**
 * One day's series from the feed's price files, pure: one price per product and printing with a
 * market price (a null is a gap, a zero is refused), the first listing kept when the feed lists
 * a product and printing twice. The nightly collection and the backfill of archives both read
 * prices through this, so the same day gives the same history whichever way it came.
 */
import { feedCardId } from "./cards";
import { FeedPrices, parseFeed } from "./shapes";

/** A day's prices and what was left out. */
export type FeedDayPrices = { cards: string[]; prices: number[]; nulls: number; zeros: number; repeats: number };

/** Collects the series of price files (the feed's bodies, in the order given) into one day. */
export class FeedDay {
	readonly day: FeedDayPrices = { cards: [], prices: [], nulls: 0, zeros: 0, repeats: 0 };
	readonly #seen = new Set<string>();

	/** Adds one group's prices file (`what` names it in errors). */
	add(body: string, what: string): void {
		for (const r of parseFeed(FeedPrices, body, what).results) {
			const price = r.marketPrice ?? null;
			if (price === null) this.day.nulls++;
			else if (!(price > 0)) this.day.zeros++;
			else {
				const id = feedCardId(r.productId, r.subTypeName);
				if (this.#seen.has(id)) {
					this.day.repeats++;
					continue;
				}
				this.#seen.add(id);
				this.day.cards.push(id);
				this.day.prices.push(price);
			}
		}
	}
}
