import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { validationError } from "./problem";

/**
 * A sub-app whose zod validation failures become 422 problems naming the field at fault,
 * the same for every route.
 */
export function createApp() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) throw validationError(result.error, result.target === "json" ? "body" : result.target);
		},
	});
}
