/** R2 key layout of the prices PokeWatch is given: the shipped sample and imports (their chunks and manifests). */
export const priceKeys = {
	/** The shipped sample (data/sample/card_prices.csv), uploaded by `npm start` / `npm run pipeline`. */
	sample: "samples/card_prices.csv",
	/** One upload chunk, content-addressed. */
	chunk: (sha256: string) => `imports/chunks/${sha256}.csv`,
	/** An import's manifest: its chunks in card order. */
	manifest: (id: string) => `imports/${id}/manifest.json`,
};
