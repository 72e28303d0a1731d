import type { KeyWriterClient } from "./types";

// Apart from the Durable Object class (which needs `cloudflare:workers`), so that the key store
// and the operator CLIs, which run in Node too, can address writers.

/** The writer of key `id`. */
export const keyWriterOf = (ns: Env["KEY_WRITER"], id: string): KeyWriterClient => ns.get(ns.idFromName(id));
