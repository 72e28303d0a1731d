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
