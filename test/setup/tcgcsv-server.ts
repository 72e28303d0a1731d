/**
 * A local TCGCSV feed for the tests: the project's feed host (scripts/lib/feed) serving a small
 * synthetic feed in the feed's real response shapes, started once per `npm test` (vitest
 * globalSetup). Its port reaches the Worker through the TCGCSV_BASE_URL binding
 * (vitest.config.ts); tests move its day and inject faults through its control endpoints
 * (`/__control/day`, `/__control/faults`, `/__control/requests`, `/__control/reset`), each test
 * file under a scope of its own (`/s/<scope>/…`) where it needs one.
 */
import type { TestProject } from "vitest/node";
import { startFeedHost } from "../../scripts/lib/feed/feed-host";
import { SyntheticFeed } from "../../scripts/lib/feed/synthetic-feed";

declare module "vitest" {
	interface ProvidedContext {
		tcgcsvPort: number;
	}
}

/** The tests' feed: its first day, and a size that keeps a night quick (a few groups per category). */
export const TEST_FEED = {
	seed: 16,
	firstDay: "2026-11-01",
	categories: [
		{ id: 3, groups: 5, series: 90 },
		{ id: 85, groups: 3, series: 36 },
	],
} as const;

export default async function setup(project: TestProject) {
	const host = await startFeedHost({ feed: new SyntheticFeed(TEST_FEED), day: TEST_FEED.firstDay });
	project.provide("tcgcsvPort", host.port);
	return () => host.close();
}
