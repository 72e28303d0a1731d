import { z } from "@hono/zod-openapi";
import { listOf, pageQuery } from "./common";

export const KeyLimits = z
	.object({
		requests_per_minute: z.number().int().min(1).max(1_000_000),
		burst: z.number().int().min(1).max(1_000_000),
		requests_per_day: z
			.number()
			.int()
			.min(1)
			.max(1_000_000_000)
			.optional()
			.openapi({ description: "A daily quota (UTC day) on top of the per-minute bucket. None when absent." }),
	})
	.openapi("KeyLimits");

/** A key as listings show it: never a hash or a secret. */
export const ApiKeyInfo = z
	.object({
		id: z.string().openapi({ example: "key_3f9Qw1ZxPa0b" }),
		name: z.string(),
		prefix: z
			.string()
			.openapi({ description: "The key's visible start, for recognising it.", example: "pk_live_Ab3d" }),
		scopes: z.array(z.enum(["read", "admin"])),
		limits: KeyLimits,
		created_at: z.string(),
		expires_at: z.string().nullable(),
		revoked_at: z.string().nullable(),
		last_used_at: z.string().nullable(),
		rotated_to: z.string().nullable(),
		grace_until: z.string().nullable(),
	})
	.openapi("ApiKeyInfo");
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const CreateKeyRequest = z
	.object({
		name: z.string().trim().min(1).max(100).openapi({ example: "dashboard" }),
		scopes: z
			.array(z.enum(["read", "admin"]))
			.min(1)
			.default(["read"]),
		limits: KeyLimits.partial().optional(),
		expires_at: z.iso
			.datetime({ offset: true })
			.optional()
			.openapi({ description: "When the key stops working (ISO 8601). Never, when omitted." }),
	})
	.strict()
	.openapi("CreateKeyRequest");

export const CreatedKey = z
	.object({
		key: z.string().openapi({ description: "The secret. Shown once: store it now." }),
		info: ApiKeyInfo,
	})
	.openapi("CreatedKey");

export const RotateKeyRequest = z
	.object({
		grace_hours: z
			.number()
			.min(0)
			.max(24 * 30)
			.optional()
			.openapi({ description: "How long the old key keeps working (default KEY_ROTATION_GRACE_HOURS, 24)." }),
	})
	.strict()
	.openapi("RotateKeyRequest");

export const RotatedKey = CreatedKey.extend({ previous: ApiKeyInfo }).openapi("RotatedKey");

export const KeyIdParam = z.object({
	id: z
		.string()
		.regex(/^key_[0-9A-Za-z]{6,32}$/, "must be a key id like key_3f9Qw1ZxPa0b")
		.openapi({ param: { name: "id", in: "path" } }),
});

export const UpdateKeyRequest = z
	.object({
		name: z.string().trim().min(1).max(100).optional(),
		limits: z
			.object({
				requests_per_minute: KeyLimits.shape.requests_per_minute.optional(),
				burst: KeyLimits.shape.burst.optional(),
				requests_per_day: z
					.number()
					.int()
					.min(1)
					.max(1_000_000_000)
					.nullable()
					.optional()
					.openapi({ description: "The daily quota (UTC day); null removes it." }),
			})
			.strict()
			.optional()
			.openapi({ description: "Only the limits given change; the others stay as they are." }),
		expires_at: z.iso
			.datetime({ offset: true })
			.nullable()
			.optional()
			.openapi({ description: "A new expiry (ISO 8601, in the future); null: never expires." }),
	})
	.strict()
	.refine((b) => b.name !== undefined || b.limits !== undefined || b.expires_at !== undefined, {
		message: "give at least one of name, limits, expires_at",
	})
	.openapi("UpdateKeyRequest");
export type UpdateKeyRequest = z.infer<typeof UpdateKeyRequest>;

/** A page of keys. */
export const ApiKeyList = listOf(ApiKeyInfo).openapi("ApiKeyList");

/** Paging of GET /v1/admin/keys. */
export const KeysQuery = z.object(pageQuery(100));
