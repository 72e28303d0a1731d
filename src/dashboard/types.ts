/**
 * The parts of the API's answers the dashboard reads. Identifiers are required; everything else
 * is optional, so a field the API drops shows as "—" and fields it adds are ignored. A type test
 * (test/unit/dashboard/contract.test.ts) checks these names against the API's zod schemas.
 */

/** One row of GET /v1/cards. */
export type CatalogueCard = {
	card_id: string;
	name?: string;
	set?: string;
	latest_date?: string;
	latest_market_price?: number;
	latest_fair_price?: number;
	latest_deviation_pct?: number | null;
	latest_signal?: string;
};

/** A page of GET /v1/cards. */
export type CataloguePage = { items: CatalogueCard[]; next_cursor?: string | null; model_version?: string };

/** One observed day of GET /v1/cards/{id}/history. */
export type HistoryPoint = {
	date: string;
	market_price: number;
	fair_price: number;
	deviation_pct?: number | null;
	signal?: string;
};

/** GET /v1/cards/{id}/history. */
export type CardHistory = {
	card_id: string;
	name?: string;
	set?: string;
	points: HistoryPoint[];
	model_version?: string;
};

/** One run as GET /v1/runs lists it. */
export type RunSummary = {
	id: string;
	status: string;
	trigger?: string;
	source?: string;
	run_date?: string;
	created_at?: string;
	started_at?: string | null;
	ended_at?: string | null;
	candidate?: string | null;
	model_version?: string | null;
	champion_before?: string | null;
	promoted?: boolean;
	reason?: string | null;
};

/** GET /v1/runs. */
export type RunList = { runs: RunSummary[]; next_cursor?: string | null };

/** One metric of a run. */
export type RunMetric = { subject: string; window_name: string; name: string; value: number | null };

/** One step of a run. */
export type RunStep = { name: string; status: string; attempts?: number; cached?: boolean; error?: string | null };

/** GET /v1/runs/{id}. */
export type RunDetail = RunSummary & {
	steps?: RunStep[];
	metrics?: RunMetric[];
	params?: Record<string, unknown>;
	collection?: { counts?: { ok?: number; failed?: number; skipped?: number } };
};

/** One version of GET /v1/models. */
export type ModelInfo = {
	version: string;
	status?: string;
	spec?: Record<string, string | number>;
	source?: string;
	data_from?: string;
	data_as_of?: string;
	card_count?: number;
	row_count?: number;
	created_at?: string;
	run_id?: string | null;
	aliases?: string[];
	validation?: {
		mape?: number | null;
		coverage?: number | null;
		score?: number | null;
		signal_rate?: number | null;
	} | null;
};

/** GET /v1/models. */
export type ModelList = { champion?: string | null; models: ModelInfo[]; next_cursor?: string | null };
