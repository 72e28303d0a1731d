/**
 * The feed's files around their rows: the envelope, one group's row and one price row, in the
 * json.dumps layout (py-json.ts) and the feed's field order.
 */
import { feedTime, type GroupInfo } from "./catalogue";
import type { Quote } from "./price-walk";
import { pyFloat, pyJson, pyString } from "./py-json";

/** A file's envelope around rows already written; groups and products files lead with totalItems, prices do not. */
export const envelope = (rows: readonly string[], withTotal: boolean) =>
	`{${withTotal ? `"totalItems": ${rows.length}, ` : ""}"success": true, "errors": [], "results": [${rows.join(", ")}]}`;

/** One row of a groups file. */
export const groupJson = (g: GroupInfo, modifiedMs: number) =>
	pyJson({
		groupId: g.groupId,
		name: g.name,
		abbreviation: g.abbreviation,
		isSupplemental: g.isSupplemental,
		publishedOn: `${g.publishedOn}T00:00:00`,
		modifiedOn: feedTime(modifiedMs),
		categoryId: g.categoryId,
	});

/** One row of a prices file: written directly, as prices are most of the feed's bytes. */
export const priceJson = (productId: number, printing: string, q: Quote) =>
	`{"productId": ${productId}, "lowPrice": ${pyFloat(q.lowPrice)}, "midPrice": ${pyFloat(q.midPrice)}, "highPrice": ${pyFloat(q.highPrice)}, "marketPrice": ${pyFloat(q.marketPrice)}, "directLowPrice": ${pyFloat(q.directLowPrice)}, "subTypeName": ${pyString(printing)}}`;
