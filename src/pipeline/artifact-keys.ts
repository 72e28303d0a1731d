/** R2 key layout of model artifacts, pipeline data and served data; one place so writers and readers agree. */
export const artifactKeys = {
	/** A learned model version's artifact. */
	model: (version: string) => `models/${version}/model.json`,
};

const part = (shard: number) => `part-${String(shard).padStart(4, "0")}`;
const short = (hash: string) => hash.slice(0, 16);

/** Where the pipeline keeps its inputs and intermediate data. */
export const pipelineKeys = {
	/** Raw prices of one shard, partitioned by run date and source. */
	raw: (runDate: string, sourceTag: string, shard: number) =>
		`raw/date=${runDate}/source=${sourceTag}/${part(shard)}.parquet`,
	/** One shard's feature table (every card-day), addressed by the step's input hash. */
	features: (asOf: string, inputHash: string, shard: number) =>
		`features/as_of=${asOf}/h=${short(inputHash)}/${part(shard)}.parquet`,
	/** The shard's sample of known card-days for training and scoring, with every rule's answer. */
	trainingSample: (asOf: string, inputHash: string, shard: number) =>
		`features/as_of=${asOf}/h=${short(inputHash)}/${part(shard)}.sample.parquet`,
	/** Per-shard summary beside the features: market tallies, return histograms, counts. */
	featureStats: (asOf: string, inputHash: string, shard: number) =>
		`features/as_of=${asOf}/h=${short(inputHash)}/${part(shard)}.stats.json`,
	/** The merged set and market moves per date. */
	market: (inputHash: string) => `train/h=${short(inputHash)}/market.bin`,
	/** The assembled training table (the shards' samples, with set and market features). */
	trainingTable: (inputHash: string) => `train/h=${short(inputHash)}/table.parquet`,
	/** One fold's held-out predictions. */
	fold: (inputHash: string, fold: number) => `train/h=${short(inputHash)}/fold-${String(fold).padStart(2, "0")}.json`,
	/** The final fitted pair and its calibration (before a policy makes it a model). */
	finalFit: (inputHash: string) => `train/h=${short(inputHash)}/final.json`,
	/** Every candidate's figures, the gate's inputs. */
	evaluation: (inputHash: string) => `evaluations/h=${short(inputHash)}/evaluation.json`,
	/** One shard's served histories: one JSON line per card (read by byte range). */
	serving: (runId: string, shard: number) => `serving/run=${runId}/${part(shard)}.ndjson`,
};

/**
 * The R2 path segment of a source: `sample`, `live`, `file-<12 hex of the import id>`, or
 * `synthetic-<cards>x<days>-<seed>`.
 */
export const sourceTag = (source: string) =>
	source.startsWith("file:") ? `file-${source.slice(5, 17)}` : source.replaceAll(":", "-");
