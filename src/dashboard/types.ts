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
	/** The model's expected price at the horizon. */
	latest_fair_price?: number;
	latest_deviation_pct?: number | null;
	latest_signal?: string;
	/** The probability of a first move up (down) by `move` within the horizon; null for a rule. */
	p_up?: number | null;
	p_down?: number | null;
	/** Why a HOLD is a HOLD. */
	reason?: string | null;
	model_version?: string;
	/** The market price's change from a week earlier, as a fraction; null without a price then. */
	change_7d?: number | null;
	/** What the card is, from the price feed; null where its source does not say (the shipped sample). */
	slug?: string | null;
	tcgplayer_product_id?: number | null;
	printing?: string | null;
	number?: string | null;
	rarity?: string | null;
	set_code?: string | null;
	language?: string | null;
	/** `card` or `sealed`. */
	kind?: string;
	tcgplayer_url?: string | null;
};

/** A page of GET /v1/cards. */
export type CataloguePage = {
	data: CatalogueCard[];
	next_cursor?: string | null;
	model_version?: string;
	data_as_of?: string;
};

/** One observed day of GET /v1/cards/{id}/history. */
export type HistoryPoint = {
	date: string;
	market_price: number;
	fair_price: number;
	deviation_pct?: number | null;
	signal?: string;
	p_up?: number | null;
	p_down?: number | null;
};

/** GET /v1/cards/{id}/history. */
export type CardHistory = {
	card_id: string;
	name?: string;
	set?: string;
	points: HistoryPoint[];
	horizon_days?: number;
	move?: number;
	model_version?: string;
};

/** One published answer of GET /v1/track-record, with its outcome once the prices show it. */
export type TrackRecordEntry = {
	run_date: string;
	card_id: string;
	date: string;
	market_price?: number;
	fair_price?: number;
	signal?: string;
	p_up?: number | null;
	p_down?: number | null;
	model_version?: string;
	run_id?: string;
	horizon_days?: number;
	move?: number;
	outcome?: string | null;
	outcome_date?: string | null;
};

/** One side (BUY or SELL) of the track record's summary. */
export type TrackRecordSide = {
	signals?: number;
	decided?: number;
	right?: number;
	precision?: number | null;
	base_rate?: number | null;
	edge?: number | null;
};

/** The track record's summary over every record the filter selects. */
export type TrackRecordSummary = {
	records?: number;
	resolved?: number;
	decided?: number;
	buy?: TrackRecordSide;
	sell?: TrackRecordSide;
	pooled_edge?: number | null;
};

/** A page of GET /v1/track-record. */
export type TrackRecordPage = { summary?: TrackRecordSummary; data: TrackRecordEntry[]; next_cursor?: string | null };

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
	/** The challenger: `learned` or a baseline rule id. */
	candidate?: string | null;
	/** The learned version the run registered. */
	model_version?: string | null;
	champion_before?: string | null;
	promoted?: boolean;
	/** The model the run published with. */
	serving_version?: string | null;
	published?: boolean;
	reason?: string | null;
};

/** GET /v1/runs. */
export type RunList = { data: RunSummary[]; next_cursor?: string | null };

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

/** A model's validation headline. */
export type ModelFigures = {
	pooled_edge?: number | null;
	buy_edge?: number | null;
	sell_edge?: number | null;
	signal_rate?: number | null;
	brier_skill?: number | null;
	mape?: number | null;
};

/** One version of GET /v1/models. */
export type ModelInfo = {
	version: string;
	status?: string;
	kind?: string;
	spec?: Record<string, unknown>;
	source?: string;
	data_from?: string;
	data_as_of?: string;
	trained_through?: string | null;
	row_count?: number;
	created_at?: string;
	run_id?: string | null;
	aliases?: string[];
	validation?: ModelFigures | null;
};

/** GET /v1/models. */
export type ModelList = { champion?: string | null; data: ModelInfo[]; next_cursor?: string | null };
