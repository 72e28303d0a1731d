/**
 * Stores for running pipeline step functions in Node (the benchmark's memory and CPU figures):
 * an in-memory R2 bucket and D1 over node:sqlite with the project's migrations. Only what the
 * steps call is implemented; anything else throws, so a step that needs more says so.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DatabaseSync as Database, SQLInputValue } from "node:sqlite";
import { ROOT } from "../lib/local";

type Stored = { bytes: Uint8Array; customMetadata: Record<string, string> };

const toBytes = (body: unknown): Uint8Array => {
	if (typeof body === "string") return new TextEncoder().encode(body);
	if (body instanceof Uint8Array) return body;
	if (body instanceof ArrayBuffer) return new Uint8Array(body);
	throw new Error("MemoryBucket.put takes a string, a Uint8Array or an ArrayBuffer");
};

/** An R2 bucket held in a Map: get (with arrayBuffer/text/json), put and head. */
export class MemoryBucket {
	readonly objects = new Map<string, Stored>();

	#meta(key: string, o: Stored) {
		return { key, size: o.bytes.byteLength, customMetadata: o.customMetadata };
	}

	async head(key: string) {
		const o = this.objects.get(key);
		return o ? this.#meta(key, o) : null;
	}

	async get(key: string) {
		const o = this.objects.get(key);
		if (!o) return null;
		const copy = () => o.bytes.slice().buffer;
		return {
			...this.#meta(key, o),
			body: true,
			arrayBuffer: async () => copy(),
			text: async () => new TextDecoder().decode(o.bytes),
			json: async () => JSON.parse(new TextDecoder().decode(o.bytes)) as unknown,
		};
	}

	async put(key: string, body: unknown, options: { customMetadata?: Record<string, string> } = {}) {
		const stored = { bytes: toBytes(body), customMetadata: options.customMetadata ?? {} };
		this.objects.set(key, stored);
		return this.#meta(key, stored);
	}

	/** As the steps' type. */
	asR2(): R2Bucket {
		return this as unknown as R2Bucket;
	}
}

const bindable = (v: unknown): SQLInputValue =>
	v === undefined ? null : typeof v === "boolean" ? (v ? 1 : 0) : (v as SQLInputValue);

/** A D1 prepared statement over node:sqlite. */
class Statement {
	constructor(
		private readonly db: Database,
		readonly sql: string,
		readonly params: SQLInputValue[] = [],
	) {}

	bind(...values: unknown[]) {
		return new Statement(this.db, this.sql, values.map(bindable));
	}

	#prepared() {
		return this.db.prepare(this.sql);
	}

	async run() {
		const r = this.#prepared().run(...this.params);
		return { success: true, results: [], meta: { changes: Number(r.changes) } };
	}

	async first<T>(column?: string): Promise<T | null> {
		const row = this.#prepared().get(...this.params) as Record<string, unknown> | undefined;
		if (!row) return null;
		return (column ? row[column] : row) as T;
	}

	async all<T>() {
		return { success: true, results: this.#prepared().all(...this.params) as T[], meta: {} };
	}
}

/** D1 over an in-memory SQLite database with every migration applied. */
export class SqliteD1 {
	private constructor(private readonly db: Database) {}

	static async open(): Promise<SqliteD1> {
		// node:sqlite warns once that it is experimental; that line would only clutter the table.
		const emit = process.emitWarning;
		process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
			if (!String(warning).includes("SQLite")) emit.call(process, warning, ...rest);
		}) as typeof process.emitWarning;
		const { DatabaseSync } = await import("node:sqlite").finally(() => {
			process.emitWarning = emit;
		});
		const db = new DatabaseSync(":memory:");
		const dir = join(ROOT, "migrations");
		for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort())
			db.exec(await readFile(join(dir, file), "utf8"));
		return new SqliteD1(db);
	}

	prepare(sql: string) {
		return new Statement(this.db, sql);
	}

	/** Every statement in one transaction, as D1 does. */
	async batch(statements: Statement[]) {
		this.db.exec("BEGIN");
		try {
			const out = [];
			for (const s of statements) out.push(/^\s*(SELECT|WITH)\b/i.test(s.sql) ? await s.all() : await s.run());
			this.db.exec("COMMIT");
			return out;
		} catch (error) {
			this.db.exec("ROLLBACK");
			throw error;
		}
	}

	/** As the steps' type. */
	asD1(): D1Database {
		return this as unknown as D1Database;
	}
}
