/** Step names of the pipeline Workflow; tests import them to introspect runs. */
export const STEP = {
	importPrices: "import prices",
	publishModel: "publish model",
} as const;
