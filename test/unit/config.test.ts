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
			BUY_THRESHOLD: 0.1,
			SELL_THRESHOLD: 0.15,
			FAIR_VALUE_WINDOW: 3,
			MODEL_REFRESH_SECONDS: 0,
			CARD_MEMO_ENTRIES: 512,
			MAX_BODY_BYTES: 1_048_576,
		});
	});

	it("returns the same object for the same env", () => {
		const e = withVars({});
		expect(getConfig(e)).toBe(getConfig(e));
	});

	it("refuses a threshold that is not a number, naming the var", () => {
		const error = configError({ BUY_THRESHOLD: "ten percent" });
		expect(error.name).toBe("ConfigError");
		expect(error.message).toContain("BUY_THRESHOLD");
	});

	it("refuses thresholds outside (0, 1)", () => {
		expect(configError({ SELL_THRESHOLD: "0" }).message).toContain("SELL_THRESHOLD");
		expect(configError({ SELL_THRESHOLD: "1.5" }).message).toContain("SELL_THRESHOLD");
	});

	it("refuses a window that is not a positive whole number", () => {
		expect(configError({ FAIR_VALUE_WINDOW: "0" }).message).toContain("FAIR_VALUE_WINDOW");
		expect(configError({ FAIR_VALUE_WINDOW: "2.5" }).message).toContain("FAIR_VALUE_WINDOW");
	});

	it("refuses an unknown environment", () => {
		expect(configError({ ENVIRONMENT: "prod" }).message).toContain("ENVIRONMENT");
	});

	it("refuses a missing var", () => {
		expect(configError({ MAX_BODY_BYTES: undefined }).message).toContain("MAX_BODY_BYTES");
	});

	it("reports every bad var at once", () => {
		const { message } = configError({ BUY_THRESHOLD: "x", CARD_MEMO_ENTRIES: "-1" });
		expect(message).toContain("BUY_THRESHOLD");
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
