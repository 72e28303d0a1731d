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
	kind: "learned" | "rule";
	spec: Record<string, unknown>;
	data_as_of: string;
	trained_through: string | null;
	row_count: number;
	run_id: string | null;
	aliases: string[];
	validation: {
		pooled_edge: number | null;
		buy_edge: number | null;
		sell_edge: number | null;
		signal_rate: number | null;
	} | null;
};

const signed = (v: number | null | undefined) =>
	v === null || v === undefined ? "-" : `${v >= 0 ? "+" : ""}${v.toFixed(3)}`;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? "-" : `${(v * 100).toFixed(1)}%`);

/** A rule's parameters in a few characters (`momentum w7 t0.1`), or what a learned model was fitted on. */
function describe(m: Model): string {
	if (m.kind === "learned") return `learned, ${m.row_count} card-days through ${m.trained_through ?? "?"}`;
	const { rule, ...rest } = m.spec as { rule?: string } & Record<string, unknown>;
	const params = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`);
	return [rule ?? "rule", ...params].join(" ");
}

function printTable(models: Model[]) {
	const header = ["VERSION", "STATUS", "MODEL", "DATA AS OF", "POOLED", "BUY", "SELL", "SIGNALS", "RUN", "ALIASES"];
	const rows = models.map((m) => [
		m.version,
		m.status,
		describe(m),
		m.data_as_of,
		signed(m.validation?.pooled_edge),
		signed(m.validation?.buy_edge),
		signed(m.validation?.sell_edge),
		pct(m.validation?.signal_rate),
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
			const answer = await api.request<{ data: Model[] }>("GET", "/v1/models?limit=100");
			if (answer.status !== 200) throw new Error(describeProblem(answer));
			printTable(answer.body.data);
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
