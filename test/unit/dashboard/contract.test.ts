/**
 * The dashboard reads the API through its own tolerant types (src/dashboard/types.ts). These
 * checks tie them to the API's zod schemas: every field the page reads exists in the schema
 * (at run time, over the schemas' shapes) and has a type the page accepts (`npm run typecheck`).
 */
import type { z } from "@hono/zod-openapi";
import { describe, expect, expectTypeOf, it } from "vitest";
import { CatalogueEntry, CataloguePage, History, HistoryPoint } from "../../../src/api/schemas/cards";
import { ModelFigures, ModelInfo, ModelList } from "../../../src/api/schemas/models";
import { Run, RunDetail, RunList, RunMetric, RunStep } from "../../../src/api/schemas/runs";
import { TrackRecordEntry, TrackRecordPage, TrackRecordSummary } from "../../../src/api/schemas/track-record";
import type * as View from "../../../src/dashboard/types";

/** The fields a view type reads, listed exhaustively (the compiler checks the list is complete). */
const fields = <T>(read: Record<keyof T, true>) => Object.keys(read);

const READS = {
	CatalogueEntry: [
		CatalogueEntry,
		fields<View.CatalogueCard>({
			card_id: true,
			name: true,
			set: true,
			latest_date: true,
			latest_market_price: true,
			latest_fair_price: true,
			latest_deviation_pct: true,
			latest_signal: true,
			p_up: true,
			p_down: true,
			reason: true,
			model_version: true,
			change_7d: true,
			slug: true,
			tcgplayer_product_id: true,
			printing: true,
			number: true,
			rarity: true,
			set_code: true,
			language: true,
			kind: true,
			tcgplayer_url: true,
		}),
	],
	CataloguePage: [
		CataloguePage,
		fields<View.CataloguePage>({ data: true, next_cursor: true, model_version: true, data_as_of: true }),
	],
	History: [
		History,
		fields<View.CardHistory>({
			card_id: true,
			name: true,
			set: true,
			points: true,
			horizon_days: true,
			move: true,
			model_version: true,
		}),
	],
	HistoryPoint: [
		HistoryPoint,
		fields<View.HistoryPoint>({
			date: true,
			market_price: true,
			fair_price: true,
			deviation_pct: true,
			signal: true,
			p_up: true,
			p_down: true,
		}),
	],
	TrackRecordEntry: [
		TrackRecordEntry,
		fields<View.TrackRecordEntry>({
			run_date: true,
			card_id: true,
			date: true,
			market_price: true,
			fair_price: true,
			signal: true,
			p_up: true,
			p_down: true,
			model_version: true,
			run_id: true,
			horizon_days: true,
			move: true,
			outcome: true,
			outcome_date: true,
		}),
	],
	TrackRecordSummary: [
		TrackRecordSummary,
		fields<View.TrackRecordSummary>({
			records: true,
			resolved: true,
			decided: true,
			buy: true,
			sell: true,
			pooled_edge: true,
		}),
	],
	TrackRecordSide: [
		TrackRecordSummary.shape.buy,
		fields<View.TrackRecordSide>({
			signals: true,
			decided: true,
			right: true,
			precision: true,
			base_rate: true,
			edge: true,
		}),
	],
	TrackRecordPage: [TrackRecordPage, fields<View.TrackRecordPage>({ summary: true, data: true, next_cursor: true })],
	Run: [
		Run,
		fields<View.RunSummary>({
			id: true,
			status: true,
			trigger: true,
			source: true,
			run_date: true,
			created_at: true,
			started_at: true,
			ended_at: true,
			candidate: true,
			model_version: true,
			champion_before: true,
			promoted: true,
			serving_version: true,
			published: true,
			reason: true,
		}),
	],
	RunList: [RunList, fields<View.RunList>({ data: true, next_cursor: true })],
	RunDetail: [
		RunDetail,
		fields<Omit<View.RunDetail, keyof View.RunSummary>>({ steps: true, metrics: true, params: true, collection: true }),
	],
	RunMetric: [RunMetric, fields<View.RunMetric>({ subject: true, window_name: true, name: true, value: true })],
	RunStep: [RunStep, fields<View.RunStep>({ name: true, status: true, attempts: true, cached: true, error: true })],
	ModelInfo: [
		ModelInfo,
		fields<View.ModelInfo>({
			version: true,
			status: true,
			kind: true,
			spec: true,
			source: true,
			data_from: true,
			data_as_of: true,
			trained_through: true,
			row_count: true,
			created_at: true,
			run_id: true,
			aliases: true,
			validation: true,
		}),
	],
	ModelFigures: [
		ModelFigures,
		fields<View.ModelFigures>({
			pooled_edge: true,
			buy_edge: true,
			sell_edge: true,
			signal_rate: true,
			brier_skill: true,
			mape: true,
		}),
	],
	ModelList: [ModelList, fields<View.ModelList>({ champion: true, data: true, next_cursor: true })],
} as const;

describe("the dashboard's view of the API", () => {
	it.each(Object.entries(READS))("reads only fields the %s schema has", (_name, [schema, read]) => {
		expect(Object.keys(schema.shape)).toEqual(expect.arrayContaining([...read]));
	});

	it("accepts every value the schemas allow (checked by tsc)", () => {
		expectTypeOf<z.infer<typeof CataloguePage>>().toExtend<View.CataloguePage>();
		expectTypeOf<z.infer<typeof History>>().toExtend<View.CardHistory>();
		expectTypeOf<z.infer<typeof TrackRecordPage>>().toExtend<View.TrackRecordPage>();
		expectTypeOf<z.infer<typeof RunList>>().toExtend<View.RunList>();
		expectTypeOf<z.infer<typeof RunDetail>>().toExtend<View.RunDetail>();
		expectTypeOf<z.infer<typeof ModelList>>().toExtend<View.ModelList>();
		expect(Object.keys(READS)).toHaveLength(16);
	});
});
