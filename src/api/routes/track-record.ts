import { createRoute } from "@hono/zod-openapi";
import { countTrackRecords, listTrackRecords, type RecordCounts } from "../../db/track-record";
import { ApiError } from "../../errors";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { problemResponses } from "../schemas/common";
import { TrackRecordPage, TrackRecordQuery } from "../schemas/track-record";

/** What the service published, night by night, and how it turned out. */
export const trackRecordRoutes = createApp();

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** The per-side summary of record counts: signals, decided, right, precision, base rate, edge. */
export function summaryOf(c: RecordCounts) {
	const upBase = ratio(c.up, c.decided);
	const downBase = upBase === null ? null : 1 - upBase;
	const side = (signals: number, decided: number, right: number, base: number | null) => {
		const precision = ratio(right, decided);
		return {
			signals,
			decided,
			right,
			precision,
			base_rate: base,
			edge: precision !== null && base !== null ? precision - base : null,
		};
	};
	const decidedSignals = c.buy_decided + c.sell_decided;
	return {
		records: c.records,
		resolved: c.resolved,
		decided: c.decided,
		buy: side(c.buy, c.buy_decided, c.buy_right, upBase),
		sell: side(c.sell, c.sell_decided, c.sell_right, downBase),
		pooled_edge:
			upBase === null || decidedSignals === 0
				? null
				: (c.buy_right + c.sell_right - c.buy_decided * upBase - c.sell_decided * (downBase as number)) /
					decidedSignals,
	};
}

trackRecordRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/track-record",
		operationId: "getTrackRecord",
		tags: ["Track record"],
		summary: "The answers runs published, each with its realised first-passage outcome, and a per-side summary",
		description:
			"Every run records the answer it published for each card for its date (`run_date`), as published: a later model never rewrites it. Its `outcome` is filled in once the prices show which way the price moved first within `horizon_days` by `move` (`up`, `down`, or `none` when neither happened), and stays null until then. The summary counts every record the filter selects (`signal` filters the list only): per side the signals, the decided ones, the right ones, their precision, the base rate (the share of decided records whose first move went that way) and the edge (precision minus base rate), and the pooled edge.",
		request: { query: TrackRecordQuery },
		responses: {
			200: {
				description: "A page of records and the summary",
				content: { "application/json": { schema: TrackRecordPage } },
			},
			...problemResponses(422),
		},
	}),
	async (c) => {
		const { from, to, card_id, signal, limit, cursor } = c.req.valid("query");
		if (from && to && from > to)
			throw new ApiError("validation_failed", "query.from: must not be after `to`", {
				errors: [{ location: "query.from", message: `must not be after to (${to})` }],
			});
		const after = cursor ? decodeCursor(cursor, 2) : undefined;
		const filter = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(card_id ? { card_id } : {}) };
		const [rows, counts] = await Promise.all([
			listTrackRecords(
				c.env.DB,
				{ ...filter, ...(signal ? { signal } : {}) },
				{
					limit: limit + 1,
					...(after ? { after: { run_date: after[0] as string, card_id: after[1] as string } } : {}),
				},
			),
			countTrackRecords(c.env.DB, filter),
		]);
		const { page, next_cursor } = pageOf(rows, limit, (r) => [r.run_date, r.card_id]);
		c.header("Cache-Control", "private, max-age=60");
		return c.json({ summary: summaryOf(counts), data: page, next_cursor }, 200);
	},
);
