/** Step names of the pipeline Workflow; tests import them to introspect runs. */
export const STEP = {
	start: "start run",
	plan: "plan shards",
	/** Per shard: `collect #0`, `collect #1`, ... (see `shardStep`). */
	collect: "collect",
	checkCollection: "check collection",
	features: "features",
	assemble: "assemble",
	/** Per walk-forward fold: `fit #0`, ... */
	fit: "fit",
	fitFinal: "fit final",
	evaluate: "evaluate",
	validate: "validate",
	publish: "publish",
	finalize: "finalize",
	/** Webhook events for the cards whose served signal the run changed. */
	notify: "notify subscribers",
	fail: "record failure",
} as const;

/** The name of a per-shard (or per-fold) step: `collect #3`. */
export const shardStep = (base: string, shard: number) => `${base} #${shard}`;

/** A step's kind: its name without the shard suffix (the step cache is keyed by kind and input). */
export const stepKind = (name: string) => name.replace(/ #\d+$/, "");
