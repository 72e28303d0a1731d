import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { registerTestKey } from "../helpers/keys";

// Every test file starts from the real schema, applied the way `wrangler d1 migrations apply` does,
// and with the suite's API key in the real KV namespace.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await registerTestKey();
