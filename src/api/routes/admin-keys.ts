import { createRoute } from "@hono/zod-openapi";
import { ApiError } from "../../errors";
import { keyEnvFor } from "../../keys/api-keys";
import { KeyStore } from "../../keys/store";
import type { KeyChange, KeyRecord } from "../../keys/types";
import { createApp } from "../app";
import { decodeCursor, pageOf } from "../cursor";
import { forgetValidatedKeys } from "../middleware/auth";
import { problemResponses } from "../schemas/common";
import {
	ApiKeyInfo,
	ApiKeyList,
	CreatedKey,
	CreateKeyRequest,
	KeyIdParam,
	KeysQuery,
	RotatedKey,
	RotateKeyRequest,
	UpdateKeyRequest,
} from "../schemas/keys";

/** Issue, list, change, revoke and rotate API keys; every change goes through the key's writer. Needs the `admin` scope. */
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

/** The problem for a change the key's writer refused. */
function refused(id: string, change: Extract<KeyChange, { ok: false }>): ApiError {
	switch (change.refusal) {
		case "not_found":
			return notFound(id);
		case "rotated":
			return new ApiError(
				"conflict",
				`API key ${id} was already rotated to ${change.record?.rotated_to}: rotate its successor instead.`,
				{ members: { rotated_to: change.record?.rotated_to ?? null } },
			);
		case "revoked":
			return new ApiError("conflict", `API key ${id} is revoked: a revoked key never changes again.`);
		case "expired":
			return new ApiError("conflict", `API key ${id} has expired: issue a new key instead.`);
		case "exists":
			throw new Error(`a new key id collided while changing ${id}`);
	}
}

/** 422 unless `value` is an instant in the future. */
function mustBeFuture(location: string, value: string | null | undefined) {
	if (value && new Date(value).getTime() <= Date.now())
		throw new ApiError("validation_failed", `${location}: must be in the future`, {
			errors: [{ location, message: "must be in the future" }],
		});
}

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
		mustBeFuture("body.expires_at", body.expires_at);
		const { key, record } = await new KeyStore(c.env.API_KEYS, c.env.KEY_WRITER).issue(
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
		summary: "List API keys, oldest first (never hashes or secrets)",
		request: { query: KeysQuery },
		responses: {
			200: { description: "A page of keys", content: { "application/json": { schema: ApiKeyList } } },
			...problemResponses(401, 403, 422, 429),
		},
	}),
	async (c) => {
		const { limit, cursor } = c.req.valid("query");
		const after = cursor ? decodeCursor(cursor, 2) : undefined;
		const sortKey = (k: { created_at: string; id: string }) => `${k.created_at}\u0000${k.id}`;
		const all = (await new KeyStore(c.env.API_KEYS).list()).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
		const rest = after ? all.filter((k) => sortKey(k) > `${after[0]}\u0000${after[1]}`) : all;
		const { page, next_cursor } = pageOf(rest, limit, (k) => [k.created_at, k.id]);
		c.header("Cache-Control", "no-store");
		return c.json({ data: page.map(keyInfo), next_cursor }, 200);
	},
);

adminKeyRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/v1/admin/keys/{id}",
		operationId: "revokeKey",
		tags,
		summary: "Revoke an API key for good (takes effect everywhere within 60 s)",
		request: { params: KeyIdParam },
		responses: {
			200: { description: "The revoked key", content: { "application/json": { schema: ApiKeyInfo } } },
			...problemResponses(401, 403, 404, 409, 422, 429),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const change = await new KeyStore(c.env.API_KEYS, c.env.KEY_WRITER).revoke(id);
		if (!change.ok) throw refused(id, change);
		forgetValidatedKeys();
		return c.json(keyInfo(change.record), 200);
	},
);

adminKeyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/v1/admin/keys/{id}/rotate",
		operationId: "rotateKey",
		tags,
		summary: "Issue a replacement key (once per key); the old one keeps working for a grace period",
		request: {
			params: KeyIdParam,
			body: { required: false, content: { "application/json": { schema: RotateKeyRequest } } },
		},
		responses: {
			201: {
				description: "The new key, and the old one with its grace period",
				content: { "application/json": { schema: RotatedKey } },
			},
			...problemResponses(400, 401, 403, 404, 409, 422, 429),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const config = c.get("config");
		const hours = body.grace_hours ?? config.KEY_ROTATION_GRACE_HOURS;
		const store = new KeyStore(c.env.API_KEYS, c.env.KEY_WRITER);
		const rotated = await store.rotate(id, keyEnvFor(config.ENVIRONMENT), hours * 3600);
		if (!rotated.ok) throw refused(id, rotated);
		forgetValidatedKeys();
		c.header("Cache-Control", "no-store");
		return c.json({ key: rotated.key, info: keyInfo(rotated.record), previous: keyInfo(rotated.previous) }, 201);
	},
);

adminKeyRoutes.openapi(
	createRoute({
		method: "patch",
		path: "/v1/admin/keys/{id}",
		tags,
		operationId: "updateKey",
		summary: "Change a key's limits, name or expiry (takes effect everywhere within 60 s)",
		description:
			"Only the fields given change; within `limits`, only the limits given. `requests_per_day: null` removes the daily quota, `expires_at: null` the expiry. A revoked or expired key cannot change (409).",
		request: {
			params: KeyIdParam,
			body: { required: true, content: { "application/json": { schema: UpdateKeyRequest } } },
		},
		responses: {
			200: { description: "The key as it is now", content: { "application/json": { schema: ApiKeyInfo } } },
			...problemResponses(400, 401, 403, 404, 409, 422, 429),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		mustBeFuture("body.expires_at", body.expires_at);
		const change = await new KeyStore(c.env.API_KEYS, c.env.KEY_WRITER).update(id, {
			...body,
			...(body.expires_at ? { expires_at: new Date(body.expires_at).toISOString() } : {}),
		});
		if (!change.ok) throw refused(id, change);
		forgetValidatedKeys();
		return c.json(keyInfo(change.record), 200);
	},
);
