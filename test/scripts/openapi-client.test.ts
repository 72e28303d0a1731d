import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, childEnv, ROOT } from "../../scripts/lib/local";
import type { LocalWorker } from "../../scripts/lib/local-worker";
import { type Keys, runSamplePipeline, startSeededWorker } from "../e2e/harness";

// An SDK user's path end to end: the document the Worker serves, types generated from it with
// openapi-typescript, docs/api.md's openapi-fetch client type-checked against them (tsc) and run
// against the Worker (tsx).

/** docs/api.md's client: the first ```ts block under "Lists, operation ids and a typed client". */
async function readmeClient(): Promise<string> {
	const doc = await readFile(join(ROOT, "docs", "api.md"), "utf8");
	const section = doc.slice(doc.indexOf("## Lists, operation ids and a typed client"));
	const block = /```ts\n([\s\S]*?)```/.exec(section);
	if (!block?.[1]) throw new Error("docs/api.md has no typed-client block");
	return block[1];
}

const exec = (file: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
	new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
		execFile(file, args, { cwd, env: childEnv(env), timeout: 120_000 }, (error, stdout, stderr) => {
			resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
		});
	});

let worker: LocalWorker;
let keys: Keys;
let dir: string;

beforeAll(async () => {
	({ worker, keys } = await startSeededWorker());
	await runSamplePipeline(worker.url, keys.admin);
	// Inside the project, so the client resolves openapi-fetch from its node_modules.
	dir = await mkdtemp(join(ROOT, ".wrangler", "tmp", "openapi-client-"));
	const document = (await (await fetch(new URL("/openapi.json", worker.url))).json()) as Parameters<
		typeof openapiTS
	>[0];
	await writeFile(join(dir, "pokewatch-api.d.ts"), astToString(await openapiTS(document)));
	await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
	await writeFile(
		join(dir, "tsconfig.json"),
		JSON.stringify({
			compilerOptions: {
				strict: true,
				noEmit: true,
				target: "es2022",
				module: "esnext",
				moduleResolution: "bundler",
				lib: ["es2022", "dom"],
				types: ["node"],
				typeRoots: [join(ROOT, "node_modules", "@types")],
				skipLibCheck: true,
			},
			include: ["*.ts"],
		}),
	);
}, 240_000);

afterAll(async () => {
	await worker?.dispose();
	if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a client generated from /openapi.json", () => {
	it("names every operation once, and answers every list in { data, next_cursor }", async () => {
		const doc = (await (await fetch(new URL("/openapi.json", worker.url))).json()) as {
			paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
			components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
		};
		const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
			Object.entries(methods).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, id: op.operationId })),
		);
		expect(ops.filter((o) => !o.id).map((o) => o.at)).toEqual([]);
		expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
		for (const name of [
			"CataloguePage",
			"SignalList",
			"RunList",
			"ModelList",
			"TrackRecordPage",
			"WebhookList",
			"WebhookDeliveryList",
		]) {
			const schema = doc.components.schemas[name];
			expect(schema?.required, name).toEqual(expect.arrayContaining(["data", "next_cursor"]));
		}
	});

	it("type-checks the README's client against the generated types, and refuses a wrong one", async () => {
		await writeFile(join(dir, "client.ts"), await readmeClient());
		const good = await exec(bin("tsc"), ["-p", dir], dir);
		expect(good.stdout + good.stderr).toBe("");
		expect(good.code).toBe(0);
		// The same check fails on a path the API does not have and on a field an answer does not carry.
		await writeFile(
			join(dir, "wrong.ts"),
			`import createClient from "openapi-fetch";
import type { paths } from "./pokewatch-api";
const api = createClient<paths>({ baseUrl: "http://localhost" });
await api.GET("/v1/card/{card_id}/fair-price", { params: { path: { card_id: "x" } } });
const r = await api.GET("/v1/cards", {});
console.log(r.data?.items);
`,
		);
		const bad = await exec(bin("tsc"), ["-p", dir], dir);
		await rm(join(dir, "wrong.ts"));
		expect(bad.code).not.toBe(0);
		expect(bad.stdout).toContain("wrong.ts(4");
		expect(bad.stdout).toContain("wrong.ts(6");
	}, 120_000);

	it("runs the README's client against the Worker: a card's answer and the whole catalogue", async () => {
		await writeFile(join(dir, "client.ts"), await readmeClient());
		const run = await exec(bin("tsx"), ["client.ts"], dir, {
			POKEWATCH_URL: worker.url.origin,
			POKEWATCH_KEY: keys.admin,
		});
		expect(run.stderr).toBe("");
		expect(run.code).toBe(0);
		const [answer, count] = run.stdout.trim().split("\n");
		expect(answer).toMatch(/^sv03-223-charizard-ex (BUY|SELL|HOLD) \d+(\.\d+)? /);
		expect(count).toBe("16 cards");
	}, 120_000);
});
