import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv, AuthenticatedKey } from "../../context";
import { ApiError } from "../../errors";
import { KeyStore } from "../../keys/store";
import { utcDay } from "../../limits/bucket";
import { leaseBook, limitsOf, usageBuffer } from "../../limits/isolate";
import type { UsageCount, UsageReport } from "../../limits/types";
import { USAGE_DAYS } from "../../limits/usage-table";
import { createApp } from "../app";
import { durableObjectLimiter } from "../middleware/rate-limit";
import { problemResponses } from "../schemas/common";
import { KeyIdParam } from "../schemas/keys";
import { AdminUsage, Usage } from "../schemas/usage";

/** A key's own usage (`read`), and any key's (`admin`). */
export const usageRoutes = createApp();

/** Per-route counts, most requested first (then by name, so the order is stable). */
function byRoute(rows: UsageCount[]) {
	const routes = new Map<string, { route: string; requests: number; refused: number }>();
	for (const r of rows) {
		const entry = routes.get(r.route) ?? { route: r.route, requests: 0, refused: 0 };
		entry.requests += r.requests;
		entry.refused += r.refused;
		routes.set(r.route, entry);
	}
	return [...routes.values()].sort((a, b) => b.requests - a.requests || (a.route < b.route ? -1 : 1));
}

/**
 * Reads a key's report from its object, sending this isolate's unsent counts with the same call
 * (and, for the caller's own key, its unspent lease, so its bucket reads as this isolate sees it;
 * an admin's look leaves the key's lease alone).
 */
async function usageOf(
	c: Context<AppEnv>,
	key: AuthenticatedKey,
	own: boolean,
): Promise<{ usage: Usage; report: UsageReport }> {
	const limiter = durableObjectLimiter(c.env, key.id);
	const usage = usageBuffer.drain(key.id);
	let report: UsageReport;
	try {
		const returned = own ? leaseBook.surrender(key.id) : undefined;
		report = await limiter.report(limitsOf(key), USAGE_DAYS, { usage, returned });
	} catch (error) {
		usageBuffer.restore(key.id, usage);
		throw error;
	}
	const today = Date.now();
	const days = Array.from({ length: USAGE_DAYS }, (_, i) => {
		const date = utcDay(today - (USAGE_DAYS - 1 - i) * 86_400_000);
		const rows = report.rows.filter((r) => r.day === date);
		return {
			date,
			requests: rows.reduce((n, r) => n + r.requests, 0),
			refused: rows.reduce((n, r) => n + r.refused, 0),
			routes: byRoute(rows),
		};
	});
	return {
		report,
		usage: {
			id: key.id,
			name: key.name,
			scopes: key.scopes,
			limits: key.limits,
			bucket: {
				limit: report.bucket.limit,
				remaining: report.bucket.remaining,
				reset_seconds: report.bucket.resetSeconds,
			},
			quota: report.quota
				? {
						limit: report.quota.limit,
						used: report.quota.used,
						remaining: report.quota.remaining,
						reset_seconds: report.quota.resetSeconds,
					}
				: null,
			totals: {
				requests: days.reduce((n, d) => n + d.requests, 0),
				refused: days.reduce((n, d) => n + d.refused, 0),
				routes: byRoute(report.rows),
			},
			days,
		},
	};
}

usageRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/usage",
		operationId: "getUsage",
		tags: ["Usage"],
		summary: "The calling key's limits, bucket, quota and requests per day and route (last 30 days)",
		responses: {
			200: { description: "The calling key's usage", content: { "application/json": { schema: Usage } } },
			...problemResponses(401, 403, 429, 503),
		},
	}),
	async (c) => {
		const key = c.get("apiKey");
		// The auth middleware sets the key on every protected route; without one this is a fault.
		if (!key) throw new Error("GET /v1/usage reached without an authenticated key");
		c.header("Cache-Control", "no-store");
		return c.json((await usageOf(c, key, true)).usage, 200);
	},
);

usageRoutes.openapi(
	createRoute({
		method: "get",
		path: "/v1/admin/keys/{id}/usage",
		operationId: "getKeyUsage",
		tags: ["Admin: API keys"],
		summary: "Any key's usage, with its limiter object's call counters",
		request: { params: KeyIdParam },
		responses: {
			200: { description: "The key's usage", content: { "application/json": { schema: AdminUsage } } },
			...problemResponses(401, 403, 404, 422, 429, 503),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const found = await new KeyStore(c.env.API_KEYS).findById(id);
		if (!found) throw new ApiError("not_found", `No API key with id ${id}.`);
		const { record } = found;
		const { usage, report } = await usageOf(
			c,
			{ id: record.id, name: record.name, scopes: record.scopes, limits: record.limits },
			false,
		);
		const { since, ...calls } = report.calls;
		c.header("Cache-Control", "no-store");
		return c.json({ ...usage, limiter: { calls, since: new Date(since).toISOString() } }, 200);
	},
);
