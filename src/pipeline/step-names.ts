/** Step names of the pipeline Workflow; tests import them to introspect runs. */
export const STEP = {
	start: "start run",
	/** The `tcgcsv` source: whether the feed has published the run's day, and its groups. */
	feedCheck: "check feed",
	/** Per batch of groups: `collect feed #0`, ... */
	feedCollect: "collect feed",
	/** The night's feed responses into the price history. */
	commitDay: "commit day",
	/** The `live` source, per batch of cards, into the price history: `collect live #0`, ... */
	liveCollect: "collect live",
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
