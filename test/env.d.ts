declare namespace Cloudflare {
	interface Env {
		/** Test-only binding set in vitest.config.ts. */
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
	}
}

declare module "*.csv?raw" {
	const text: string;
	export default text;
}
