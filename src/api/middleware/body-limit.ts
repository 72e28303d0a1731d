import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";

/** Refuses request bodies over MAX_BODY_BYTES with a 413 problem (Hono's body-limit underneath). */
export const bodyLimit = () =>
	createMiddleware<AppEnv>(async function bodyLimit(c, next) {
		const maxSize = c.get("config").MAX_BODY_BYTES;
		return honoBodyLimit({
			maxSize,
			onError: () => {
				throw new ApiError("payload_too_large", `The request body is larger than ${maxSize} bytes.`, {
					members: { max_bytes: maxSize },
				});
			},
		})(c, next);
	});
