import { NonRetryableError } from "cloudflare:workflows";
import { UpstreamAuthError } from "../prices/price-tracker/client";
import { SourceError } from "../prices/sources";

/** A step failure that retrying cannot fix (bad input, a refused key, a gate on data volume). */
export class FatalStepError extends Error {
	override name = "FatalStepError";
}

/** Whether an error should end its step without retries. */
export const isFatal = (error: unknown) =>
	error instanceof FatalStepError ||
	error instanceof SourceError ||
	error instanceof UpstreamAuthError ||
	error instanceof NonRetryableError;

/** The error to rethrow from a step: fatal ones become NonRetryableError so the engine stops retrying. */
export const forEngine = (error: unknown): unknown =>
	isFatal(error) && !(error instanceof NonRetryableError)
		? new NonRetryableError(`${(error as Error).name}: ${(error as Error).message}`)
		: error;
