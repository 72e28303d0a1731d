declare namespace Cloudflare {
	interface Env {
		/** Test-only binding set in vitest.config.ts. */
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		/** The origin of the tests' webhook receiver (test/setup/webhook-receiver.ts). */
		WEBHOOK_TEST_RECEIVER: string;
	}
}

declare module "*.csv?raw" {
	const text: string;
	export default text;
}

declare namespace Cloudflare {
	interface Env {
		/** The Price Tracker API key (a secret; the tests set it to the fake server's suite key). */
		PRICE_TRACKER_API_KEY?: string;
	}
}
