/** Replaying nights of a local feed host through a Worker: the host serves each night, then the Worker collects it. */
import { type Api, UsageError } from "./api-client";
import type { FeedScopeHandle } from "./feed/feed-host";
import { followRun, nightLine, type RunView, startRun, waitUntilServed } from "./pipeline-client";

/**
 * For each night in order: the host serves it, and a `tcgcsv` run collects it into the history
 * and publishes. Stops at a failed night. A Worker that never asks the host (it was started with
 * another TCGCSV_BASE_URL) is said so after the first night it should have asked.
 */
export async function replayFeedNights(
	api: Api,
	host: Pick<FeedScopeHandle, "setDay" | "reset" | "requests" | "url">,
	nights: readonly string[],
	log: (line: string) => void = console.log,
): Promise<RunView[]> {
	const results: RunView[] = [];
	for (const [k, night] of nights.entries()) {
		host.setDay(night);
		host.reset();
		const { id, reused } = await startRun(api, { source: "tcgcsv", trigger: "cli", date: night });
		const result = await followRun(api, id, () => undefined);
		if (!reused && host.requests().length === 0)
			throw new UsageError(
				`the Worker did not ask this feed host (${host.url}) for ${night}: start it with TCGCSV_BASE_URL=${host.url}`,
			);
		await waitUntilServed(api, result);
		log(`  [${k + 1}/${nights.length}] ${nightLine(result)}${reused ? " (an earlier run of this night)" : ""}`);
		results.push(result);
		if (result.status === "failed") break;
	}
	return results;
}
