/**
 * Lets Node load the pipeline's step functions: they import one thing from the Workers runtime,
 * `NonRetryableError` from `cloudflare:workflows` (to stop the engine retrying a fatal step).
 * Outside the engine that is just an error class, so this resolves the module to one.
 */
import { registerHooks } from "node:module";

const STAND_IN = "export class NonRetryableError extends Error { name = 'NonRetryableError'; }";

registerHooks({
	resolve(specifier, context, nextResolve) {
		if (specifier === "cloudflare:workflows")
			return { url: `data:text/javascript,${encodeURIComponent(STAND_IN)}`, shortCircuit: true };
		return nextResolve(specifier, context);
	},
});
