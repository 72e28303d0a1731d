/**
 * `npm run lint:openapi`: the OpenAPI document the Worker serves, linted under Redocly's
 * `recommended` rules. Starts the Worker in workerd (Miniflare, loopback), reads /openapi.json,
 * prints every problem with its location, and exits 1 if there is any (warnings included).
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { runCli } from "./lib/api-client";
import { startLocalWorker } from "./lib/local-worker";

/** The problems Redocly's recommended rules find in a document (JSON or YAML text). */
export async function lintOpenApi(
	source: string,
): Promise<{ rule: string; severity: string; message: string; where: string }[]> {
	const config = await createConfig({ extends: ["recommended"] });
	const problems = await lintFromString({ source, absoluteRef: "openapi.json", config });
	return problems.map((p) => ({
		rule: p.ruleId,
		severity: p.severity,
		message: p.message,
		where: p.location.map((l) => l.pointer ?? "").join(", "),
	}));
}

async function main(): Promise<number> {
	const worker = await startLocalWorker();
	try {
		const res = await fetch(new URL("/openapi.json", worker.url));
		if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
		const problems = await lintOpenApi(await res.text());
		for (const p of problems) console.log(`${p.severity} ${p.rule}: ${p.message}\n    at ${p.where}`);
		console.log(
			problems.length === 0
				? "openapi.json: no problems under Redocly's recommended rules."
				: `${problems.length} problem(s).`,
		);
		return problems.length === 0 ? 0 : 1;
	} finally {
		await worker.dispose();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await runCli(main);
