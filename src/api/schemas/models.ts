import { z } from "@hono/zod-openapi";
import { listOf, pageQuery } from "./common";

/** A model version name: `v<data date>-<10 hex>` for a learned model, `rule-<id>` for a rule. */
export const VersionName = z
	.string()
	.regex(
		/^(v\d{8}-[0-9a-f]{10}|rule-[a-z0-9_.]{1,80})$/,
		"must be a model version such as v20260822-4bb4b065f7 or rule-momentum_7_0.1",
	)
	.openapi({ example: "v20260822-4bb4b065f7" });

/** A model's validation headline, as its building run's gate saw it. */
export const ModelFigures = z
	.object({
		pooled_edge: z.number().nullable(),
		buy_edge: z.number().nullable(),
		sell_edge: z.number().nullable(),
		signal_rate: z.number().nullable(),
		brier_skill: z.number().nullable(),
		mape: z.number().nullable(),
	})
	.openapi("ModelFigures");

/** A model version as GET /v1/models lists it. */
export const ModelInfo = z
	.object({
		version: VersionName,
		status: z.enum(["building", "ready"]),
		kind: z.enum(["learned", "rule"]),
		spec: z.record(z.string(), z.unknown()).openapi({
			description: "A rule's spec, or a learned model's summary (policy, calibration, base rate, horizon).",
			example: { rule: "momentum", window: 7, threshold: 0.1 },
		}),
		source: z.string(),
		data_from: z.string(),
		data_as_of: z.string(),
		trained_through: z.string().nullable().openapi({ description: "A learned model's last day whose outcome it saw." }),
		row_count: z.number().int().openapi({ description: "Card-days a learned model was fitted on (0 for a rule)." }),
		created_at: z.string(),
		run_id: z.string().nullable(),
		aliases: z.array(z.string()).openapi({ description: "Aliases naming this version (`champion`)." }),
		validation: ModelFigures.nullable().openapi({
			description: "The building run's validation figures for this model.",
		}),
	})
	.openapi("ModelInfo");

/** A page of model versions and the current champion. */
export const ModelList = listOf(ModelInfo, { champion: z.string().nullable() }).openapi("ModelList");

/** Paging of GET /v1/models. */
export const ModelsQuery = z.object(pageQuery(20));

/** The `{version}` path parameter. */
export const VersionParam = z.object({ version: VersionName.openapi({ param: { name: "version", in: "path" } }) });

/** The champion after a promotion, and the one before it. */
export const PromoteResponse = z
	.object({
		alias: z.literal("champion"),
		version: VersionName,
		previous: z.string().nullable(),
		republish: z.object({ id: z.string(), href: z.string() }).nullable().openapi({
			description: "The run republishing the newest night with the new champion (null before any run published).",
		}),
	})
	.openapi("PromoteResponse");
