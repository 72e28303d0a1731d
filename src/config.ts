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

const flag = (name: string) =>
	z.enum(["true", "false"], { error: `${name} must be "true" or "false"` }).transform((v) => v === "true");

/** The Worker's string vars and secrets, validated once per isolate. */
export const Config = z
	.object({
		ENVIRONMENT: z.enum(["development", "test", "staging", "production"]),
		BUY_THRESHOLD: fraction("BUY_THRESHOLD"),
		SELL_THRESHOLD: fraction("SELL_THRESHOLD"),
		FAIR_VALUE_WINDOW: positiveInt("FAIR_VALUE_WINDOW", 60),
		MODEL_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600),
		CARD_MEMO_ENTRIES: positiveInt("CARD_MEMO_ENTRIES", 100_000),
		MAX_BODY_BYTES: positiveInt("MAX_BODY_BYTES", 100 * 1024 * 1024),
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
