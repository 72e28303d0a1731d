import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";

/** Refuses request bodies over MAX_BODY_BYTES with a 413 problem (Hono's body-limit underneath). */
export const bodyLimit = () => {
	// One Hono middleware per configured size, built once per isolate.
	const built = new Map<number, MiddlewareHandler>();
	return createMiddleware<AppEnv>(async function bodyLimit(c, next) {
		const maxSize = c.get("config").MAX_BODY_BYTES;
		let handler = built.get(maxSize);
		if (!handler) {
			handler = honoBodyLimit({
				maxSize,
				onError: () => {
					throw new ApiError("payload_too_large", `The request body is larger than ${maxSize} bytes.`, {
						members: { max_bytes: maxSize },
					});
				},
			});
			built.set(maxSize, handler);
		}
		return handler(c, next);
	});
};
