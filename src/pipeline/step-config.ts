import type { WorkflowStepConfig } from "cloudflare:workers";

/** Retry and timeout per kind of step. */
export const STEP_CONFIG = {
	/** D1 bookkeeping: quick, retried often. */
	db: { retries: { limit: 5, delay: "1 second", backoff: "exponential" }, timeout: "1 minute" },
	/** Reading and writing R2 objects, computing. */
	compute: { retries: { limit: 3, delay: "5 seconds", backoff: "exponential" }, timeout: "5 minutes" },
	/** Collection: the clients retry each request themselves; the step retries what is left. */
	collect: { retries: { limit: 2, delay: "30 seconds", backoff: "exponential" }, timeout: "15 minutes" },
} satisfies Record<string, WorkflowStepConfig>;
