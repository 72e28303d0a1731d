import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, getConfig } from "../../src/config";

/** A copy of the test env with some vars replaced (a new object, so nothing memoised applies). */
const withVars = (vars: Record<string, string | undefined>) => ({ ...env, ...vars }) as unknown as Env;

/** The ConfigError `getConfig` raises for `vars`. */
function configError(vars: Record<string, string | undefined>): ConfigError {
	try {
		getConfig(withVars(vars));
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}
	throw new Error("expected a ConfigError");
}

describe("getConfig", () => {
	it("parses the string vars into typed values", () => {
		expect(getConfig(withVars({}))).toMatchObject({
			ENVIRONMENT: "test",
			HORIZON_DAYS: 7,
			HORIZON_MOVE: 0.05,
			SIGNAL_MIN_PRICE: 1,
			GATE_MIN_DECIDED: 20,
			MODEL_REFRESH_SECONDS: 0,
			CARD_MEMO_ENTRIES: 512,
			MAX_BODY_BYTES: 1_048_576,
		});
	});

	it("returns the same object for the same env", () => {
		const e = withVars({});
		expect(getConfig(e)).toBe(getConfig(e));
	});

	it("refuses a move that is not a number, naming the var", () => {
		const error = configError({ HORIZON_MOVE: "five percent" });
		expect(error.name).toBe("ConfigError");
		expect(error.message).toContain("HORIZON_MOVE");
	});

	it("refuses a move outside (0, 1)", () => {
		expect(configError({ HORIZON_MOVE: "0" }).message).toContain("HORIZON_MOVE");
		expect(configError({ HORIZON_MOVE: "1.5" }).message).toContain("HORIZON_MOVE");
	});

	it("refuses a horizon or fold length that is not a positive whole number", () => {
		expect(configError({ HORIZON_DAYS: "0" }).message).toContain("HORIZON_DAYS");
		expect(configError({ BACKTEST_FOLD_DAYS: "2.5" }).message).toContain("BACKTEST_FOLD_DAYS");
	});

	it("refuses an unknown environment", () => {
		expect(configError({ ENVIRONMENT: "prod" }).message).toContain("ENVIRONMENT");
	});

	it("gives every var its default when it is unset: an environment states only what differs", () => {
		const defaults = getConfig({ ENVIRONMENT: "development" } as unknown as Env);
		expect(defaults).toMatchObject({ MAX_BODY_BYTES: 1_048_576, MODEL_REFRESH_SECONDS: 30, PIPELINE_SOURCE: "sample" });
	});

	it("reports every bad var at once", () => {
		const { message } = configError({ HORIZON_MOVE: "x", CARD_MEMO_ENTRIES: "-1" });
		expect(message).toContain("HORIZON_MOVE");
		expect(message).toContain("CARD_MEMO_ENTRIES");
	});
});

describe("getConfig: access control", () => {
	it("defaults the access-control vars when they are unset", () => {
		const unset = Object.fromEntries(
			[
				"AUTH_ENABLED",
				"KEY_CACHE_SECONDS",
				"RATE_LIMIT_PER_MINUTE",
				"RATE_LIMIT_BURST",
				"RATE_LIMIT_ON_ERROR",
				"RATE_LIMIT_TIMEOUT_MS",
				"CORS_ORIGINS",
				"KEY_ROTATION_GRACE_HOURS",
			].map((name) => [name, undefined]),
		);
		expect(getConfig(withVars(unset))).toMatchObject({
			AUTH_ENABLED: true,
			KEY_CACHE_SECONDS: 30,
			RATE_LIMIT_PER_MINUTE: 60,
			RATE_LIMIT_BURST: 10,
			RATE_LIMIT_ON_ERROR: "closed",
			RATE_LIMIT_TIMEOUT_MS: 250,
			CORS_ORIGINS: [],
			KEY_ROTATION_GRACE_HOURS: 24,
		});
	});

	it("parses the CORS allowlist", () => {
		expect(getConfig(withVars({ CORS_ORIGINS: " https://a.example , http://localhost:8787,," })).CORS_ORIGINS).toEqual([
			"https://a.example",
			"http://localhost:8787",
		]);
	});

	it("allows AUTH_ENABLED=false outside production only", () => {
		expect(getConfig(withVars({ AUTH_ENABLED: "false" })).AUTH_ENABLED).toBe(false);
		expect(
			getConfig(withVars({ AUTH_ENABLED: "false", ENVIRONMENT: "development", CORS_ORIGINS: "*" })).AUTH_ENABLED,
		).toBe(false);
		expect(configError({ AUTH_ENABLED: "false", ENVIRONMENT: "production" }).message).toContain(
			"AUTH_ENABLED: cannot be false in production",
		);
		expect(configError({ AUTH_ENABLED: "no" }).message).toContain("AUTH_ENABLED");
	});

	it("keeps the synthetic source off unless asked for, and never allows it in production", () => {
		expect(getConfig(withVars({})).PIPELINE_SYNTHETIC).toBe(false);
		expect(getConfig(withVars({ PIPELINE_SYNTHETIC: "true" })).PIPELINE_SYNTHETIC).toBe(true);
		expect(configError({ PIPELINE_SYNTHETIC: "true", ENVIRONMENT: "production" }).message).toContain(
			"PIPELINE_SYNTHETIC: cannot be true in production",
		);
		// The cron's source can never be synthetic.
		expect(configError({ PIPELINE_SOURCE: "synthetic:10x10:1" }).message).toContain("PIPELINE_SOURCE");
	});

	it("allows loopback webhook targets only outside staging and production, and checks the secret key's shape", () => {
		expect(getConfig(withVars({ WEBHOOK_ALLOW_LOOPBACK: "true" })).WEBHOOK_ALLOW_LOOPBACK).toBe(true);
		for (const ENVIRONMENT of ["staging", "production"])
			expect(configError({ WEBHOOK_ALLOW_LOOPBACK: "true", ENVIRONMENT }).message).toContain(
				`WEBHOOK_ALLOW_LOOPBACK: cannot be true in ${ENVIRONMENT}`,
			);
		expect(configError({ WEBHOOK_SECRET_KEY: "c2hvcnQ=" }).message).toContain(
			"WEBHOOK_SECRET_KEY must be base64 of 32 bytes",
		);
		expect(configError({ WEBHOOK_RETRY_BASE_SECONDS: "-1" }).message).toContain("WEBHOOK_RETRY_BASE_SECONDS");
	});

	it('allows CORS_ORIGINS="*" in development only', () => {
		expect(getConfig(withVars({ ENVIRONMENT: "development", CORS_ORIGINS: "*" })).CORS_ORIGINS).toEqual(["*"]);
		for (const ENVIRONMENT of ["test", "staging", "production"])
			expect(configError({ ENVIRONMENT, CORS_ORIGINS: "https://a.example,*" }).message).toContain(
				'CORS_ORIGINS: "*" is allowed only in development',
			);
	});

	it("refuses CORS entries that are not origins", () => {
		for (const bad of ["https://a.example/path", "a.example", "ftp://a.example", "https://a.example/"])
			expect(configError({ CORS_ORIGINS: bad }).message, bad).toContain("CORS_ORIGINS");
	});

	it("caps the key cache at 30 s and refuses bad rate-limit settings", () => {
		expect(configError({ KEY_CACHE_SECONDS: "31" }).message).toContain("KEY_CACHE_SECONDS");
		expect(configError({ RATE_LIMIT_ON_ERROR: "maybe" }).message).toContain("RATE_LIMIT_ON_ERROR");
		expect(configError({ RATE_LIMIT_BURST: "0" }).message).toContain("RATE_LIMIT_BURST");
		expect(configError({ RATE_LIMIT_PER_MINUTE: "1.5" }).message).toContain("RATE_LIMIT_PER_MINUTE");
		expect(configError({ RATE_LIMIT_TIMEOUT_MS: "0" }).message).toContain("RATE_LIMIT_TIMEOUT_MS");
	});
});
