import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
	const migrations = await readD1Migrations("./migrations");
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					// Test-only bindings: the migrations for the setup file, and no champion memo so a
					// promotion inside a test is visible to the next request.
					bindings: {
						TEST_MIGRATIONS: migrations,
						ENVIRONMENT: "test",
						MODEL_REFRESH_SECONDS: "0",
						CORS_ORIGINS: "https://app.pokewatch.test",
					},
				},
			}),
		],
		test: {
			setupFiles: ["./test/setup/apply-migrations.ts"],
			include: ["test/**/*.test.ts"],
		},
	};
});
