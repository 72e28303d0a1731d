import { z } from "@hono/zod-openapi";
import { pageQuery } from "./common";

/** A model version name: `v<latest data date>-<10 hex>`. */
export const VersionName = z
	.string()
	.regex(/^v\d{8}-[0-9a-f]{10}$/, "must be a model version such as v20260822-4bb4b065f7")
	.openapi({ example: "v20260822-4bb4b065f7" });

/** A model version as GET /v1/models lists it. */
export const ModelInfo = z
	.object({
		version: VersionName,
		status: z.enum(["building", "ready"]),
		spec: z
			.record(z.string(), z.union([z.string(), z.number()]))
			.openapi({ example: { estimator: "rolling_median", window: 7, buy_threshold: 0.1, sell_threshold: 0.15 } }),
		source: z.string(),
		data_from: z.string(),
		data_as_of: z.string(),
		card_count: z.number().int(),
		row_count: z.number().int(),
		created_at: z.string(),
		run_id: z.string().nullable(),
		aliases: z.array(z.string()).openapi({ description: "Aliases naming this version (`champion`)." }),
		validation: z
			.object({
				mape: z.number().nullable(),
				coverage: z.number().nullable(),
				score: z.number().nullable(),
				signal_rate: z.number().nullable(),
			})
			.nullable()
			.openapi({ description: "The building run's validation-window figures for this model, when a run built it." }),
	})
	.openapi("ModelInfo");

/** A page of model versions and the current champion. */
export const ModelList = z
	.object({ champion: z.string().nullable(), models: z.array(ModelInfo), next_cursor: z.string().nullable() })
	.openapi("ModelList");

/** Paging of GET /v1/models. */
export const ModelsQuery = z.object(pageQuery(20));

/** The `{version}` path parameter. */
export const VersionParam = z.object({ version: VersionName.openapi({ param: { name: "version", in: "path" } }) });

/** The champion after a promotion, and the one before it. */
export const PromoteResponse = z
	.object({ alias: z.literal("champion"), version: VersionName, previous: z.string().nullable() })
	.openapi("PromoteResponse");

/** A stored price file and the `source` to run on it. */
export const UploadResult = z
	.object({
		key: z.string().openapi({ example: "imports/sha256=3f…a1.csv" }),
		sha256: z.string(),
		source: z
			.string()
			.openapi({ description: "The `source` to start a run on this file with.", example: "file:3f…a1" }),
		bytes: z.number().int(),
		rows: z.number().int(),
		cards: z.number().int(),
		date_from: z.string(),
		date_to: z.string(),
		created: z.boolean().openapi({ description: "False when the same file was already stored." }),
	})
	.openapi("UploadResult");

/** The stored sample. */
export const SampleInfo = z
	.object({ key: z.string(), sha256: z.string(), bytes: z.number().int(), uploaded: z.string() })
	.openapi("SampleInfo");
