import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { promote } from "../../../src/db/models";
import { artifactKeys } from "../../../src/lib/artifact-keys";
import { ModelStore } from "../../../src/lib/model-store";
import { cardRows, resetModels, seedModel } from "../../helpers/model";

const fresh = (refreshSeconds: number) =>
	new ModelStore({ MODEL_REFRESH_SECONDS: refreshSeconds, CARD_MEMO_ENTRIES: 8 });

describe("ModelStore", () => {
	beforeEach(resetModels);

	it("answers null while no champion is promoted", async () => {
		expect(await fresh(0).champion(env)).toBeNull();
	});

	it("re-reads the champion every time with a refresh of 0", async () => {
		const store = fresh(0);
		const a = await seedModel(cardRows("store-a", [1, 2, 3]));
		expect((await store.champion(env))?.version).toBe(a.version);
		const b = await seedModel(cardRows("store-b", [4, 5, 6]));
		expect((await store.champion(env))?.version).toBe(b.version);
	});

	it("keeps serving the memoised champion within the refresh interval", async () => {
		const store = fresh(3600);
		const a = await seedModel(cardRows("store-a", [1, 2, 3]));
		expect((await store.champion(env))?.version).toBe(a.version);
		const b = await seedModel(cardRows("store-b", [4, 5, 6]));
		expect(await promote(env.DB, b.version, new Date().toISOString())).toBe(true);
		expect((await store.champion(env))?.version).toBe(a.version);
	});

	it("loads a card's series from R2, and null for a card the version lacks", async () => {
		const store = fresh(0);
		const { version } = await seedModel(cardRows("store-c", [7, 8]));
		expect(await store.card(env, version, "store-c")).toMatchObject({ card_id: "store-c", prices: [7, 8] });
		expect(await store.card(env, version, "store-missing")).toBeNull();
	});

	it("does not remember a failed read", async () => {
		const store = fresh(0);
		const { version } = await seedModel(cardRows("store-d", [1]));
		const key = artifactKeys.card(version, "store-d");
		const good = await env.ARCHIVE.get(key);
		const body = await good?.text();
		await env.ARCHIVE.put(key, "{not json");
		await expect(store.card(env, version, "store-d")).rejects.toThrow();
		await env.ARCHIVE.put(key, body ?? "");
		expect(await store.card(env, version, "store-d")).toMatchObject({ prices: [1] });
	});
});
