/**
 * The dashboard reads the API through its own tolerant types (src/dashboard/types.ts). These
 * checks tie them to the API's zod schemas: every field the page reads exists in the schema
 * (at run time, over the schemas' shapes) and has a type the page accepts (`npm run typecheck`).
 */
import type { z } from "@hono/zod-openapi";
import { describe, expect, expectTypeOf, it } from "vitest";
import { CatalogueEntry, CataloguePage, History, HistoryPoint } from "../../../src/api/schemas/cards";
import { ModelInfo, ModelList } from "../../../src/api/schemas/models";
import { Run, RunDetail, RunList, RunMetric, RunStep } from "../../../src/api/schemas/runs";
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
		}),
	],
	CataloguePage: [CataloguePage, fields<View.CataloguePage>({ items: true, next_cursor: true, model_version: true })],
	History: [
		History,
		fields<View.CardHistory>({ card_id: true, name: true, set: true, points: true, model_version: true }),
	],
	HistoryPoint: [
		HistoryPoint,
		fields<View.HistoryPoint>({ date: true, market_price: true, fair_price: true, deviation_pct: true, signal: true }),
	],
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
			reason: true,
		}),
	],
	RunList: [RunList, fields<View.RunList>({ runs: true, next_cursor: true })],
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
			spec: true,
			source: true,
			data_from: true,
			data_as_of: true,
			card_count: true,
			row_count: true,
			created_at: true,
			run_id: true,
			aliases: true,
			validation: true,
		}),
	],
	ModelList: [ModelList, fields<View.ModelList>({ champion: true, models: true, next_cursor: true })],
} as const;

describe("the dashboard's view of the API", () => {
	it.each(Object.entries(READS))("reads only fields the %s schema has", (_name, [schema, read]) => {
		expect(Object.keys(schema.shape)).toEqual(expect.arrayContaining([...read]));
	});

	it("accepts every value the schemas allow (checked by tsc)", () => {
		expectTypeOf<z.infer<typeof CataloguePage>>().toExtend<View.CataloguePage>();
		expectTypeOf<z.infer<typeof History>>().toExtend<View.CardHistory>();
		expectTypeOf<z.infer<typeof RunList>>().toExtend<View.RunList>();
		expectTypeOf<z.infer<typeof RunDetail>>().toExtend<View.RunDetail>();
		expectTypeOf<z.infer<typeof ModelList>>().toExtend<View.ModelList>();
		expect(Object.keys(READS)).toHaveLength(11);
	});
});
