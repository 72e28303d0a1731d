/**
 * List model versions, or promote one (a rollback is promoting an older version).
 *
 *   npm run models -- list [--env staging|production]
 *   npm run models -- promote <version> [--env staging|production]
 *
 * Targets are as for `npm run pipeline`. Exit status: 0 done, 1 refused or failed, 2 bad usage.
 */
import { parseArgs } from "node:util";
import {
	Api,
	describeProblem,
	localPort,
	remoteTarget,
	runCli,
	type Target,
	UsageError,
	withLocalWorker,
} from "./lib/api-client";

const USAGE = "usage: npm run models -- list | promote <version>  [--env staging|production]";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
	console.log(USAGE);
	process.exit(0);
}

type Model = {
	version: string;
	status: string;
	spec: Record<string, string | number>;
	data_as_of: string;
	card_count: number;
	run_id: string | null;
	aliases: string[];
	validation: { mape: number | null; coverage: number | null; score: number | null } | null;
};

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${(v * 100).toFixed(2)}%`);

function printTable(models: Model[]) {
	const header = ["VERSION", "STATUS", "MODEL", "DATA AS OF", "CARDS", "MAPE", "COVERAGE", "SCORE", "RUN", "ALIASES"];
	const rows = models.map((m) => [
		m.version,
		m.status,
		`${m.spec.estimator}(${m.spec.window ?? `h${m.spec.halflife}`}) b${m.spec.buy_threshold}/s${m.spec.sell_threshold}`,
		m.data_as_of,
		String(m.card_count),
		pct(m.validation?.mape),
		pct(m.validation?.coverage),
		m.validation?.score === null || m.validation?.score === undefined ? "-" : m.validation.score.toFixed(4),
		m.run_id ?? "-",
		m.aliases.join(",") || "-",
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
	for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i] as number)).join("  "));
	if (rows.length === 0) console.log("(no models yet: run `npm run pipeline`)");
}

async function main(): Promise<number> {
	const { values, positionals } = parseArgs({ allowPositionals: true, options: { env: { type: "string" } } });
	const [command, version] = positionals;
	if (command !== "list" && command !== "promote") throw new UsageError(USAGE);
	if (command === "promote" && !version) throw new UsageError(`promote needs a version\n${USAGE}`);
	const go = async (target: Target) => {
		const api = new Api(target);
		if (command === "list") {
			const answer = await api.request<{ models: Model[] }>("GET", "/v1/models?limit=100");
			if (answer.status !== 200) throw new Error(describeProblem(answer));
			printTable(answer.body.models);
			return 0;
		}
		const answer = await api.request<{ version: string; previous: string | null }>(
			"POST",
			`/v1/admin/models/${encodeURIComponent(version as string)}/promote`,
			{},
		);
		if (answer.status !== 200) {
			console.error(`Not promoted: ${describeProblem(answer)}`);
			return 1;
		}
		console.log(
			`${answer.body.version} is the champion on ${target.label} (was ${answer.body.previous ?? "none"}); ` +
				"serving picks it up within MODEL_REFRESH_SECONDS.",
		);
		return 0;
	};
	return values.env !== undefined ? go(remoteTarget(values.env)) : withLocalWorker(localPort(), go);
}

await runCli(main);
