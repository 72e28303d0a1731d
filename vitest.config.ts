import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
	const migrations = await readD1Migrations("./migrations");
	return {
		plugins: [
			cloudflareTest(async ({ inject }) => ({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					// Test-only bindings: the migrations for the setup file, and no champion memo so a
					// promotion inside a test is visible to the next request.
					bindings: {
						TEST_MIGRATIONS: migrations,
						ENVIRONMENT: "test",
						MODEL_REFRESH_SECONDS: "0",
						REQUEST_LOG: "all",
						CORS_ORIGINS: "https://app.pokewatch.test",
						// The pipeline: the fake Price Tracker server started by test/setup/price-tracker-server.ts,
						// short windows and backoffs so runs on small hand-made data stay fast, and shards of six
						// cards so the sample run fans out.
						PRICE_TRACKER_BASE_URL: `http://127.0.0.1:${inject("priceTrackerPort")}/api/v2`,
						PRICE_TRACKER_API_KEY: "ppt_test_suite",
						PRICE_TRACKER_BACKOFF_MS: "5",
						// TCGCSV: the local feed host started by test/setup/tcgcsv-server.ts, polite but quick,
						// and groups collected four to a step so a night fans out.
						TCGCSV_BASE_URL: `http://127.0.0.1:${inject("tcgcsvPort")}`,
						TCGCSV_REQUEST_SPACING_MS: "1",
						TCGCSV_BACKOFF_MS: "5",
						TCGCSV_GROUPS_PER_STEP: "4",
						PIPELINE_SHARD_CARDS: "6",
						BACKTEST_SELECTION_DAYS: "40",
						BACKTEST_VALIDATION_DAYS: "30",
						BACKTEST_FOLD_DAYS: "10",
						DRIFT_RECENT_DAYS: "14",
						DRIFT_REFERENCE_DAYS: "30",
						// Webhooks: the receiver started by test/setup/webhook-receiver.ts (on loopback), retries at
						// once, and a pause after two failed deliveries.
						WEBHOOK_TEST_RECEIVER: `http://127.0.0.1:${inject("webhookReceiverPort")}`,
						WEBHOOK_ALLOW_LOOPBACK: "true",
						WEBHOOK_RETRY_BASE_SECONDS: "0",
						WEBHOOK_PAUSE_AFTER: "2",
						WEBHOOK_TIMEOUT_MS: "3000",
					},
				},
			})),
		],
		test: {
			setupFiles: ["./test/setup/apply-migrations.ts"],
			globalSetup: [
				"./test/setup/price-tracker-server.ts",
				"./test/setup/tcgcsv-server.ts",
				"./test/setup/webhook-receiver.ts",
			],
			include: ["test/**/*.test.ts"],
			// The Worker's one-line-per-request and per-step logs would bury the test report; tests that
			// are about those lines capture them themselves.
			onConsoleLog: (log: string) => !/"msg":"(request|pipeline step)"/.test(log),
			// Everything in workerd, except the operator CLIs' tests, which spawn Node, and the dashboard's
			// end-to-end test, which drives headless Chromium against the Worker (skipped without Chromium).
			projects: [
				{ extends: true, test: { name: "workers", exclude: ["test/scripts/**", "test/e2e/**", "**/node_modules/**"] } },
				{
					extends: false,
					test: {
						name: "scripts",
						environment: "node",
						include: ["test/scripts/**/*.test.ts"],
						testTimeout: 60_000,
						hookTimeout: 60_000,
					},
				},
				{
					extends: false,
					test: {
						name: "e2e",
						environment: "node",
						include: ["test/e2e/**/*.test.ts"],
						testTimeout: 60_000,
						hookTimeout: 60_000,
					},
				},
			],
		},
	};
});
