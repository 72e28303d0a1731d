import { createRoute } from "@hono/zod-openapi";
import { ApiError } from "../../errors";
import { keyEnvFor } from "../../lib/api-keys";
import { type KeyRecord, KeyStore } from "../../lib/key-store";
import { createApp } from "../app";
import { forgetValidatedKeys } from "../middleware/auth";
import { problemResponses } from "../schemas/common";
import { ApiKeyInfo, CreatedKey, CreateKeyRequest, KeyIdParam, RotatedKey, RotateKeyRequest } from "../schemas/keys";

/** Issue, list, revoke and rotate API keys. Needs the `admin` scope. */
export const adminKeyRoutes = createApp();

const tags = ["Admin: API keys"];

/** The listing view of a record: every optional field present, null when unset. */
export const keyInfo = (r: KeyRecord): ApiKeyInfo => ({
	id: r.id,
	name: r.name,
	prefix: r.prefix,
	scopes: r.scopes,
	limits: r.limits,
	created_at: r.created_at,
	expires_at: r.expires_at ?? null,
	revoked_at: r.revoked_at ?? null,
	last_used_at: r.last_used_at ?? null,
	rotated_to: r.rotated_to ?? null,
	grace_until: r.grace_until ?? null,
});

const notFound = (id: string) => new ApiError("not_found", `No API key with id ${id}.`);

adminKeyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/keys",
		operationId: "createKey",
		tags,
		summary: "Issue an API key (the secret is in this response only)",
		request: { body: { required: true, content: { "application/json": { schema: CreateKeyRequest } } } },
		responses: {
			201: { description: "The new key", content: { "application/json": { schema: CreatedKey } } },
			...problemResponses(400, 401, 403, 422, 429),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const config = c.get("config");
		if (body.expires_at && new Date(body.expires_at).getTime() <= Date.now()) {
			throw new ApiError("validation_failed", "body.expires_at: must be in the future", {
				errors: [{ location: "body.expires_at", message: "must be in the future" }],
			});
		}
		const { key, record } = await new KeyStore(c.env.API_KEYS).create(
			{
				name: body.name,
				scopes: body.scopes,
				limits: {
					requests_per_minute: body.limits?.requests_per_minute ?? config.RATE_LIMIT_PER_MINUTE,
					burst: body.limits?.burst ?? config.RATE_LIMIT_BURST,
					...(body.limits?.requests_per_day ? { requests_per_day: body.limits.requests_per_day } : {}),
				},
				...(body.expires_at ? { expires_at: new Date(body.expires_at).toISOString() } : {}),
			},
			keyEnvFor(config.ENVIRONMENT),
		);
		c.header("Cache-Control", "no-store");
		return c.json({ key, info: keyInfo(record) }, 201);
	},
);

adminKeyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/keys",
		operationId: "listKeys",
		tags,
		summary: "List API keys (never hashes or secrets)",
		responses: {
			200: {
				description: "Every key, oldest first",
				content: { "application/json": { schema: ApiKeyInfo.array().openapi("ApiKeyList") } },
			},
			...problemResponses(401, 403, 429),
		},
	}),
	async (c) => c.json((await new KeyStore(c.env.API_KEYS).list()).map(keyInfo), 200),
);

adminKeyRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/v1/admin/keys/{id}",
		operationId: "revokeKey",
		tags,
		summary: "Revoke an API key (takes effect everywhere within 60 s)",
		request: { params: KeyIdParam },
		responses: {
			200: { description: "The revoked key", content: { "application/json": { schema: ApiKeyInfo } } },
			...problemResponses(401, 403, 404, 422, 429),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const record = await new KeyStore(c.env.API_KEYS).revoke(id);
		if (!record) throw notFound(id);
		forgetValidatedKeys();
		return c.json(keyInfo(record), 200);
	},
);

adminKeyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/keys/{id}/rotate",
		operationId: "rotateKey",
		tags,
		summary: "Issue a replacement key; the old one keeps working for a grace period",
		request: {
			params: KeyIdParam,
			body: { required: false, content: { "application/json": { schema: RotateKeyRequest } } },
		},
		responses: {
			201: {
				description: "The new key, and the old one with its grace period",
				content: { "application/json": { schema: RotatedKey } },
			},
			...problemResponses(400, 401, 403, 404, 422, 429),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const config = c.get("config");
		const hours = body.grace_hours ?? config.KEY_ROTATION_GRACE_HOURS;
		const rotated = await new KeyStore(c.env.API_KEYS).rotate(id, keyEnvFor(config.ENVIRONMENT), hours * 3600);
		if (!rotated)
			throw new ApiError(
				"not_found",
				`No usable API key with id ${id} (unknown, revoked, expired or already rotated).`,
			);
		forgetValidatedKeys();
		c.header("Cache-Control", "no-store");
		return c.json({ key: rotated.key, info: keyInfo(rotated.record), previous: keyInfo(rotated.previous) }, 201);
	},
);
