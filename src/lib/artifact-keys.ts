/** R2 key layout of model artifacts; one place so writers and readers agree. */
export const artifactKeys = {
	prefix: (version: string) => `models/${version}/`,
	manifest: (version: string) => `models/${version}/model.json`,
	card: (version: string, cardId: string) => `models/${version}/cards/${cardId}.json`,
};
