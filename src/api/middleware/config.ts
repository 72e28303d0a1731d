import { createMiddleware } from "hono/factory";
import { getConfig } from "../../config";
import type { AppEnv } from "../../context";

/** Puts the validated configuration on the context (parsed once per isolate). */
export const loadConfig = () =>
	createMiddleware<AppEnv>(async function loadConfig(c, next) {
		c.set("config", getConfig(c.env));
		await next();
	});
