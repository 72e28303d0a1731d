import { z } from "zod";

const fraction = (name: string) =>
	z.coerce
		.number({ error: `${name} must be a number` })
		.gt(0, `${name} must be greater than 0`)
		.lt(1, `${name} must be less than 1`);

const positiveInt = (name: string, max: number) =>
	z.coerce
		.number({ error: `${name} must be a number` })
		.int(`${name} must be a whole number`)
		.min(1, `${name} must be at least 1`)
		.max(max, `${name} must be at most ${max}`);

const share = (name: string) =>
	z.coerce
		.number({ error: `${name} must be a number` })
		.min(0, `${name} must be at least 0`)
		.max(1, `${name} must be at most 1`);

const count = (name: string, max: number) =>
	z.coerce
		.number({ error: `${name} must be a number` })
		.int(`${name} must be a whole number`)
		.min(0, `${name} must be at least 0`)
		.max(max, `${name} must be at most ${max}`);

const flag = (name: string) =>
	z.enum(["true", "false"], { error: `${name} must be "true" or "false"` }).transform((v) => v === "true");

/** Languages of the TCGplayer categories whose language is known: English and Japanese Pokémon. */
export const KNOWN_CATEGORY_LANGUAGES: Readonly<Record<number, string>> = { 3: "en", 85: "ja" };

/** One collected category and the language of its cards. */
export type FeedCategory = { id: number; language: string };

/** `3,85` or `3:en,85:ja,…` into categories; an unknown category without a language is refused. */
function parseCategories(value: string, ctx: z.RefinementCtx): FeedCategory[] {
	const out: FeedCategory[] = [];
	for (const item of value
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean)) {
		const m = /^(\d{1,6})(?::([a-z]{2,3}))?$/.exec(item);
		const id = m ? Number(m[1]) : Number.NaN;
		const language = m?.[2] ?? KNOWN_CATEGORY_LANGUAGES[id];
		if (!m || language === undefined) {
			ctx.addIssue({
				code: "custom",
				message: m
					? `TCGCSV_CATEGORIES: category ${id} needs its language (${id}:en, for example)`
					: `TCGCSV_CATEGORIES: "${item}" is not a category id or id:language`,
			});
			continue;
		}
		if (out.some((c) => c.id === id))
			ctx.addIssue({ code: "custom", message: `TCGCSV_CATEGORIES: ${id} is listed twice` });
		out.push({ id, language });
	}
	if (out.length === 0) ctx.addIssue({ code: "custom", message: "TCGCSV_CATEGORIES: name at least one category" });
	return out;
}

/** The Worker's string vars and secrets, validated once per isolate. */
export const Config = z
	.object({
		ENVIRONMENT: z.enum(["development", "test", "staging", "production"]).default("development"),
		MODEL_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
		/** "all": a log line per request; "problems": only 4xx/5xx (local development, where nobody tails them). */
		REQUEST_LOG: z.enum(["all", "problems"], { error: 'REQUEST_LOG must be "all" or "problems"' }).default("all"),
		CARD_MEMO_ENTRIES: positiveInt("CARD_MEMO_ENTRIES", 100_000).default(512),
		MAX_BODY_BYTES: positiveInt("MAX_BODY_BYTES", 100 * 1024 * 1024).default(1024 * 1024),
		/** "false" switches API keys off, for local experiments only (refused in production). */
		AUTH_ENABLED: flag("AUTH_ENABLED").default(true),
		/** Seconds an isolate trusts a validated key (at most 30, so a revocation lands within 60 s). */
		KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(30).default(30),
		/** Default limits for keys whose record has none. */
		RATE_LIMIT_PER_MINUTE: positiveInt("RATE_LIMIT_PER_MINUTE", 1_000_000).default(60),
		RATE_LIMIT_BURST: positiveInt("RATE_LIMIT_BURST", 1_000_000).default(10),
		/** What to do when the rate limiter cannot be reached in time: let the request through, or refuse it. */
		RATE_LIMIT_ON_ERROR: z.enum(["open", "closed"]).default("closed"),
		RATE_LIMIT_TIMEOUT_MS: positiveInt("RATE_LIMIT_TIMEOUT_MS", 10_000).default(250),
		/**
		 * Token leases: a key whose burst is at least LEASE_MIN_BURST is served from leases of
		 * LEASE_SHARE of its burst (and of its daily quota), taken from its Durable Object in one call
		 * and spent in the isolate for at most LEASE_SECONDS (never longer than KEY_CACHE_SECONDS;
		 * 0 turns leases off). Smaller buckets make one call per request.
		 */
		LEASE_MIN_BURST: positiveInt("LEASE_MIN_BURST", 1_000_000).default(100),
		LEASE_SHARE: fraction("LEASE_SHARE").default(0.1),
		LEASE_SECONDS: count("LEASE_SECONDS", 30).default(5),
		/** Seconds an isolate holds a key's request counts before sending them to its Durable Object in one batch. */
		USAGE_FLUSH_SECONDS: positiveInt("USAGE_FLUSH_SECONDS", 300).default(5),
		/** Comma-separated origins allowed by CORS; "*" only in development. */
		CORS_ORIGINS: z
			.string()
			.default("")
			.transform((v) =>
				v
					.split(",")
					.map((o) => o.trim())
					.filter(Boolean),
			),
		/**
		 * Where the nightly cron's prices come from: the shipped sample replayed, the whole catalogue
		 * from TCGCSV, or the Price Tracker API (both of those into the price history).
		 */
		PIPELINE_SOURCE: z
			.enum(["sample", "tcgcsv", "live"], { error: 'PIPELINE_SOURCE must be "sample", "tcgcsv" or "live"' })
			.default("sample"),
		/** Days of the price history a run reads (ending at its date): bounds every night's work however long the history grows. */
		PIPELINE_HISTORY_DAYS: positiveInt("PIPELINE_HISTORY_DAYS", 3650).default(730),
		/** TCGCSV (the `tcgcsv` source): the feed's address (http or https; trailing slashes are dropped). */
		TCGCSV_BASE_URL: z
			.url({ protocol: /^https?$/, error: "TCGCSV_BASE_URL must be an http(s) URL" })
			.default("https://tcgcsv.com")
			.transform((u) => u.replace(/\/+$/, "")),
		/**
		 * The TCGplayer categories collected, comma-separated, each `id` or `id:language`: 3 is English
		 * Pokémon and 85 Japanese Pokémon (their languages are known); any other needs its language.
		 */
		TCGCSV_CATEGORIES: z
			.string()
			.default("3,85")
			.transform((v, ctx) => parseCategories(v, ctx)),
		/** The User-Agent every feed request carries, as the feed's maintainer asks: name your application and a contact. */
		TCGCSV_USER_AGENT: z.string().trim().min(3).max(200).default("PokeWatch/0.1.0 (TCGCSV nightly collector)"),
		/** Time between the starts of two feed requests (the maintainer asks for about 100 ms). */
		TCGCSV_REQUEST_SPACING_MS: count("TCGCSV_REQUEST_SPACING_MS", 60_000).default(100),
		TCGCSV_TIMEOUT_MS: positiveInt("TCGCSV_TIMEOUT_MS", 120_000).default(20_000),
		/** Retries of a feed request after a 429, a 5xx, a timeout or a malformed body; backoff doubles from TCGCSV_BACKOFF_MS. */
		TCGCSV_MAX_RETRIES: count("TCGCSV_MAX_RETRIES", 10).default(3),
		TCGCSV_BACKOFF_MS: positiveInt("TCGCSV_BACKOFF_MS", 120_000).default(2000),
		/** Groups collected per Workflow step (each group is one or two requests). */
		TCGCSV_GROUPS_PER_STEP: positiveInt("TCGCSV_GROUPS_PER_STEP", 1000).default(40),
		/** The most feed requests per UTC day, over every run (the maintainer bans past 10,000). */
		TCGCSV_DAILY_REQUESTS: positiveInt("TCGCSV_DAILY_REQUESTS", 10_000).default(6000),
		/** "true": sealed products (boxes, ETBs, packs) get BUY/SELL signals like cards; "false": prices and history, always HOLD. */
		SIGNAL_SEALED: flag("SIGNAL_SEALED").default(false),
		/**
		 * "true" lets runs use the generated `synthetic:<cards>x<days>:<seed>` source (`npm run bench --
		 * pipeline`). Off by default, refused in production, and never the cron's source.
		 */
		PIPELINE_SYNTHETIC: flag("PIPELINE_SYNTHETIC").default(false),
		/** Cards per pipeline shard: each shard is collected, featurised, trained and published in its own steps. */
		PIPELINE_SHARD_CARDS: positiveInt("PIPELINE_SHARD_CARDS", 100_000).default(250),
		/**
		 * The most price rows a shard may hold: a shard is cut early when its cards' histories would
		 * pass it. Bounds every per-shard step's memory (BENCHMARKS.md: ~75 MB at 60,000 rows in the
		 * features step, against the 128 MB a Worker has).
		 */
		PIPELINE_SHARD_ROWS: positiveInt("PIPELINE_SHARD_ROWS", 10_000_000).default(60_000),
		PRICE_TRACKER_BASE_URL: z
			.url({ protocol: /^https?$/, error: "PRICE_TRACKER_BASE_URL must be an http(s) URL" })
			.default("https://www.pokemonpricetracker.com/api/v2")
			.transform((u) => u.replace(/\/+$/, "")),
		/** Secret. Needed only by `live` runs (a live run without it fails at once, without retrying). */
		PRICE_TRACKER_API_KEY: z.string().trim().min(1).optional(),
		/** Days of history asked for per card (`days=`). */
		PRICE_TRACKER_HISTORY_DAYS: positiveInt("PRICE_TRACKER_HISTORY_DAYS", 3650).default(180),
		PRICE_TRACKER_TIMEOUT_MS: positiveInt("PRICE_TRACKER_TIMEOUT_MS", 120_000).default(15_000),
		/** Retries per card after a 429, a 5xx, a timeout or a malformed body. */
		PRICE_TRACKER_MAX_RETRIES: count("PRICE_TRACKER_MAX_RETRIES", 10).default(3),
		/** First backoff after a 5xx or a timeout; doubles with each retry. */
		PRICE_TRACKER_BACKOFF_MS: positiveInt("PRICE_TRACKER_BACKOFF_MS", 60_000).default(1000),
		/** The longest a 429's Retry-After is honoured; a longer wait fails the card instead. */
		PRICE_TRACKER_MAX_WAIT_SECONDS: count("PRICE_TRACKER_MAX_WAIT_SECONDS", 600).default(65),
		/** Stop asking once X-RateLimit-Daily-Remaining is at or below this; the rest of the cards are skipped. */
		PRICE_TRACKER_DAILY_RESERVE: count("PRICE_TRACKER_DAILY_RESERVE", 1_000_000).default(5),
		/** A run fails when more than this share of the card universe could not be collected. */
		COLLECT_MAX_FAILURE_SHARE: share("COLLECT_MAX_FAILURE_SHARE").default(0.2),
		/** Days of the selection window (candidates are chosen there) and of the later validation window. */
		BACKTEST_SELECTION_DAYS: positiveInt("BACKTEST_SELECTION_DAYS", 3650).default(120),
		BACKTEST_VALIDATION_DAYS: positiveInt("BACKTEST_VALIDATION_DAYS", 3650).default(60),
		/**
		 * A BUY is right when the price then reaches +HORIZON_MOVE before -HORIZON_MOVE within
		 * HORIZON_DAYS calendar days (a SELL the other way round); the model learns exactly that.
		 */
		HORIZON_DAYS: positiveInt("HORIZON_DAYS", 365).default(7),
		HORIZON_MOVE: fraction("HORIZON_MOVE").default(0.05),
		/** Cards priced under this (USD) are neither fitted on nor judged: their answer is HOLD, and says why. */
		SIGNAL_MIN_PRICE: z.coerce.number({ error: "SIGNAL_MIN_PRICE must be a number" }).min(0).default(1),
		/** The gate: each side needs at least this many decided signals on validation. */
		GATE_MIN_DECIDED: positiveInt("GATE_MIN_DECIDED", 1_000_000).default(20),
		/**
		 * Days judged by each fold of the purged walk-forward windows (each fold by a model fitted
		 * before it), and the most folds a run fits.
		 */
		BACKTEST_FOLD_DAYS: positiveInt("BACKTEST_FOLD_DAYS", 365).default(7),
		BACKTEST_MAX_FOLDS: positiveInt("BACKTEST_MAX_FOLDS", 60).default(30),
		/** Days of history the first fold's model needs before its purge gap. */
		BACKTEST_MIN_TRAIN_DAYS: positiveInt("BACKTEST_MIN_TRAIN_DAYS", 365).default(3),
		/** The most card-days the learned model is fitted on (a uniform sample when there are more). */
		TRAIN_MAX_ROWS: positiveInt("TRAIN_MAX_ROWS", 2_000_000).default(120_000),
		/** The least share of BUY+SELL signals a candidate must give to be eligible as champion. */
		SIGNAL_RATE_FLOOR: share("SIGNAL_RATE_FLOOR").default(0.05),
		/** Drift: the last DRIFT_RECENT_DAYS of daily returns against the DRIFT_REFERENCE_DAYS before them. */
		DRIFT_RECENT_DAYS: positiveInt("DRIFT_RECENT_DAYS", 3650).default(30),
		DRIFT_REFERENCE_DAYS: positiveInt("DRIFT_REFERENCE_DAYS", 3650).default(90),
		DRIFT_PSI_THRESHOLD: z.coerce.number({ error: "DRIFT_PSI_THRESHOLD must be a number" }).positive().default(0.25),
		DRIFT_KS_THRESHOLD: fraction("DRIFT_KS_THRESHOLD").default(0.2),
		/**
		 * "true" lets webhook targets be http(s) on loopback hosts (127.0.0.0/8, ::1, localhost), for local
		 * development and the tests' receiver. Refused in staging and production.
		 */
		WEBHOOK_ALLOW_LOOPBACK: flag("WEBHOOK_ALLOW_LOOPBACK").default(false),
		/**
		 * Secret: base64 of 32 bytes, the AES-256-GCM key webhook signing secrets are encrypted with at
		 * rest. Development and tests fall back to a published local key (README "Webhooks"); staging
		 * and production refuse to create or deliver webhooks without it.
		 */
		WEBHOOK_SECRET_KEY: z
			.string()
			.trim()
			.refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v), "WEBHOOK_SECRET_KEY must be base64 of 32 bytes")
			.optional(),
		/** First retry delay of a failed delivery; doubles with each attempt (capped at 12 h, the Queues maximum). */
		WEBHOOK_RETRY_BASE_SECONDS: count("WEBHOOK_RETRY_BASE_SECONDS", 3600).default(30),
		/** How long a receiver has to answer a delivery. */
		WEBHOOK_TIMEOUT_MS: positiveInt("WEBHOOK_TIMEOUT_MS", 30_000).default(10_000),
		/** A subscription is paused after this many deliveries in a row ended failed (all retries spent). */
		WEBHOOK_PAUSE_AFTER: positiveInt("WEBHOOK_PAUSE_AFTER", 100).default(3),
		/** The most subscriptions one API key may hold. */
		WEBHOOK_MAX_PER_KEY: positiveInt("WEBHOOK_MAX_PER_KEY", 1000).default(20),
		/** Hours a rotated key keeps working. */
		KEY_ROTATION_GRACE_HOURS: z.coerce
			.number()
			.min(0)
			.max(24 * 30)
			.default(24),
	})
	.superRefine((config, ctx) => {
		if (config.ENVIRONMENT === "production" && !config.AUTH_ENABLED)
			ctx.addIssue({ code: "custom", path: ["AUTH_ENABLED"], message: "cannot be false in production" });
		if (config.ENVIRONMENT === "production" && config.PIPELINE_SYNTHETIC)
			ctx.addIssue({ code: "custom", path: ["PIPELINE_SYNTHETIC"], message: "cannot be true in production" });
		if ((config.ENVIRONMENT === "production" || config.ENVIRONMENT === "staging") && config.WEBHOOK_ALLOW_LOOPBACK)
			ctx.addIssue({
				code: "custom",
				path: ["WEBHOOK_ALLOW_LOOPBACK"],
				message: `cannot be true in ${config.ENVIRONMENT}`,
			});
		if (config.ENVIRONMENT !== "development" && config.CORS_ORIGINS.includes("*"))
			ctx.addIssue({ code: "custom", path: ["CORS_ORIGINS"], message: `"*" is allowed only in development` });
		for (const origin of config.CORS_ORIGINS) {
			if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin))
				ctx.addIssue({
					code: "custom",
					path: ["CORS_ORIGINS"],
					message: `"${origin}" is not an origin like https://example.com`,
				});
		}
	});
export type Config = z.infer<typeof Config>;

/** Thrown when the deployed configuration is invalid: a clear startup error, not a crash later. */
export class ConfigError extends Error {
	override name = "ConfigError";
}

let cached: { source: Env; config: Config } | undefined;

/** Parses the environment's vars, memoised per isolate (and per env object, for tests). */
export function getConfig(env: Env): Config {
	if (cached?.source === env) return cached.config;
	const parsed = Config.safeParse(env);
	if (!parsed.success) {
		const reasons = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
		throw new ConfigError(`invalid configuration: ${reasons.join("; ")}`);
	}
	cached = { source: env, config: parsed.data };
	return parsed.data;
}
