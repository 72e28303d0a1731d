import type { Config } from "./config";

/** The one Hono environment type shared by every app and middleware. */
export type AppEnv = {
	Bindings: Env;
	Variables: {
		requestId: string;
		config: Config;
	};
};
