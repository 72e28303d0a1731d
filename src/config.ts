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

/** The Worker's string vars and secrets, validated once per isolate. */
export const Config = z.object({
	ENVIRONMENT: z.enum(["development", "test", "staging", "production"]),
	BUY_THRESHOLD: fraction("BUY_THRESHOLD"),
	SELL_THRESHOLD: fraction("SELL_THRESHOLD"),
	FAIR_VALUE_WINDOW: positiveInt("FAIR_VALUE_WINDOW", 60),
	MODEL_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600),
	CARD_MEMO_ENTRIES: positiveInt("CARD_MEMO_ENTRIES", 100_000),
	MAX_BODY_BYTES: positiveInt("MAX_BODY_BYTES", 100 * 1024 * 1024),
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
