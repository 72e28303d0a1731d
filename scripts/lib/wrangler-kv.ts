import type { KeyValueStore } from "../../src/keys/store";
import { bin, run } from "./local";

/**
 * A KeyValueStore over `wrangler kv key …` on a remote namespace (`--env staging|production`).
 * Slow (a process per call) but needs nothing beyond `wrangler login`.
 */
export class WranglerKv implements KeyValueStore {
	constructor(
		private readonly environment: string,
		private readonly binding = "API_KEYS",
	) {}

	#args(...rest: string[]) {
		return ["kv", "key", ...rest, "--binding", this.binding, "--env", this.environment, "--remote"];
	}

	async get(key: string): Promise<string | null> {
		try {
			const out = await run(bin("wrangler"), this.#args("get", key, "--text"), { quiet: true, stdoutOnly: true });
			return out === "" || /^Value not found/.test(out) ? null : out;
		} catch {
			return null;
		}
	}

	async put(key: string, value: string): Promise<void> {
		await run(bin("wrangler"), this.#args("put", key, value), { quiet: true });
	}

	async delete(key: string): Promise<void> {
		await run(bin("wrangler"), this.#args("delete", key), { quiet: true });
	}

	async list(options: { prefix: string }) {
		const out = await run(bin("wrangler"), this.#args("list", "--prefix", options.prefix), {
			quiet: true,
			stdoutOnly: true,
		});
		const keys = JSON.parse(out.slice(out.indexOf("["))) as { name: string }[];
		return { keys, list_complete: true };
	}
}
