/**
 * The pipeline's code version: recorded on every run and step, and part of every step's cache
 * key. Bump it whenever a step would write something different from the same input (new
 * features, a changed estimator, a new tally), so no run reuses outputs of older logic.
 */
export const CODE_VERSION = "pipeline-2026.12.07-1";
