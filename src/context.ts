import type { Config } from "./config";
import type { KeyRecord } from "./keys/types";

/** The key a request was authenticated with (never the secret). */
export type AuthenticatedKey = Pick<KeyRecord, "id" | "name" | "scopes" | "limits">;

/** The one Hono environment type shared by every app and middleware. */
export type AppEnv = {
	Bindings: Env;
	Variables: {
		requestId: string;
		config: Config;
		/** Set by the auth middleware on protected routes. */
		apiKey?: AuthenticatedKey;
		/** For the request log: whether the answer came from the Cache API memo. */
		cache?: "hit" | "miss";
		/** For the request log: the model version that answered. */
		modelVersion?: string;
		/** For the request log: the signal answered (single fair-price answers). */
		signal?: "BUY" | "SELL" | "HOLD";
		/** For the request log: tokens left in the key's bucket. */
		rateLimitRemaining?: number;
	};
};
