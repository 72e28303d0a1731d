/** R2 key layout of model artifacts and pipeline data; one place so writers and readers agree. */
export const artifactKeys = {
	prefix: (version: string) => `models/${version}/`,
	manifest: (version: string) => `models/${version}/model.json`,
	card: (version: string, cardId: string) => `models/${version}/cards/${cardId}.json`,
};

const part = (shard: number) => `part-${String(shard).padStart(4, "0")}`;
const short = (hash: string) => hash.slice(0, 16);

/** Where the pipeline keeps its inputs and intermediate data. */
export const pipelineKeys = {
	/** The shipped sample (data/sample/card_prices.csv), uploaded by `npm start` / `npm run pipeline`. */
	sample: "samples/card_prices.csv",
	/** An uploaded price file, content-addressed. */
	upload: (sha256: string) => `imports/sha256=${sha256}.csv`,
	/** Raw prices of one shard, partitioned by run date and source. */
	raw: (runDate: string, sourceTag: string, shard: number) =>
		`raw/date=${runDate}/source=${sourceTag}/${part(shard)}.parquet`,
	/** Features of one shard, addressed by the step's input hash (so a cached step's objects are reused). */
	features: (asOf: string, inputHash: string, shard: number) =>
		`features/as_of=${asOf}/h=${short(inputHash)}/${part(shard)}.parquet`,
	/** Per-shard summary beside the features: card artifact hashes and return histograms. */
	featureStats: (asOf: string, inputHash: string, shard: number) =>
		`features/as_of=${asOf}/h=${short(inputHash)}/${part(shard)}.stats.json`,
	/** Backtest tallies of one shard. */
	train: (inputHash: string, shard: number) => `train/h=${short(inputHash)}/${part(shard)}.json`,
	/** The merged evaluation of every candidate. */
	evaluation: (inputHash: string) => `evaluations/h=${short(inputHash)}/evaluation.json`,
};

/**
 * The R2 path segment of a source: `sample`, `live`, `file-<12 hex of the file's sha256>`, or
 * `synthetic-<cards>x<days>-<seed>`.
 */
export const sourceTag = (source: string) =>
	source.startsWith("file:") ? `file-${source.slice(5, 17)}` : source.replaceAll(":", "-");
