import { join } from "node:path";
import { parseArgs } from "node:util";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { Config } from "../../src/config";
import { getChampion } from "../../src/db/models";
import { PipelineParams } from "../../src/pipeline/params";
import { STEP } from "../../src/pipeline/step-names";
import { priceKeys } from "../../src/prices/keys";
import type { SourcePlan } from "../../src/prices/sources";
import { type Api, describeProblem } from "../lib/api-client";
import { importFile } from "../lib/import-file";
import { ROOT } from "../lib/local";
import { localAdminApi, localBindings } from "../lib/local-admin";
import { startLocalWorker } from "../lib/local-worker";
import { type RunView, startRun } from "../lib/pipeline-client";
import {
	kindRows,
	type NodeMeasurement,
	printableKinds,
	printableSteps,
	type StepLog,
	type StepView,
	stepRows,
	totalsOf,
} from "./pipeline-report";
import { writeBenchResults } from "./results";

type RunDetail = RunView & { created_at: string; ended_at: string | null; steps: StepView[] };

const USAGE =
	"usage: npm run bench -- pipeline [--file PATH.csv[.gz] | --cards N --days N --seed N] [--date YYYY-MM-DD] [--shard-cards N] [--skip-node] [--timeout-minutes N] [--out FILE]";

function options(args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			file: { type: "string" },
			cards: { type: "string", default: "20000" },
			days: { type: "string", default: "180" },
			seed: { type: "string", default: "1" },
			// A fixed date, so the same command generates the same prices on any day.
			date: { type: "string" },
			"shard-cards": { type: "string" },
			"skip-node": { type: "boolean", default: false },
			"timeout-minutes": { type: "string", default: "30" },
			out: { type: "string" },
		},
	});
	const int = (name: string, value: string | undefined, min: number, max: number) => {
		const n = Number(value);
		if (!Number.isInteger(n) || n < min || n > max)
			throw new Error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
		return n;
	};
	const source = values.file
		? null
		: `synthetic:${int("cards", values.cards, 1, 1_000_000)}x${int("days", values.days, 2, 3650)}:${int("seed", values.seed, 0, 999_999_999)}`;
	return {
		source,
		file: values.file ?? null,
		// Synthetic prices end on a fixed date, so the same command generates the same prices on any day.
		date: values.date ?? (values.file ? null : "2026-10-31"),
		shardCards: values["shard-cards"] === undefined ? null : int("shard-cards", values["shard-cards"], 1, 100_000),
		node: !values["skip-node"],
		timeoutMs: int("timeout-minutes", values["timeout-minutes"], 1, 24 * 60) * 60_000,
		out: values.out ?? null,
	};
}

/** Polls the run until it ends, or fails once the deadline has passed. */
async function follow(api: Api, id: string, deadline: number): Promise<RunDetail> {
	for (;;) {
		const answer = await api.request<RunDetail>("GET", `/v1/runs/${id}`);
		if (answer.status !== 200) throw new Error(`could not read run ${id}: ${describeProblem(answer)}`);
		const r = answer.body;
		if (r.status === "complete" || r.status === "rejected" || r.status === "failed") return r;
		if (Date.now() > deadline)
			throw new Error(`run ${id} did not end within --timeout-minutes (last status: ${r.status})`);
		await new Promise((resolve) => setTimeout(resolve, 2000));
	}
}

/** Runs the pipeline benchmark; returns the exit status. */
export async function benchPipeline(args: string[]): Promise<number> {
	const opts = options(args);
	const vars: Record<string, string> = opts.file ? {} : { PIPELINE_SYNTHETIC: "true" };
	if (opts.shardCards !== null) vars.PIPELINE_SHARD_CARDS = String(opts.shardCards);
	const config = Config.parse({
		...(unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions.bindings ?? {}),
		...vars,
	});
	// The Worker's step lines carry each attempt's R2 traffic; they also show progress (the API
	// answers slowly while the run keeps the local isolate busy).
	const logs: StepLog[] = [];
	let lastPrint = Date.now();
	const onLog = (message: string) => {
		if (!message.startsWith("{")) return;
		const line = JSON.parse(message) as StepLog & { msg?: string };
		if (line.msg !== "pipeline step") return;
		logs.push(line);
		if (Date.now() - lastPrint >= 10_000) {
			lastPrint = Date.now();
			console.log(`  … ${logs.length} steps done, last: ${line.step}`);
		}
	};
	console.log(
		`starting the Worker (workerd via Miniflare, 127.0.0.1, fresh state${opts.file ? "" : ", PIPELINE_SYNTHETIC=true"})…`,
	);
	const worker = await startLocalWorker({ vars, onLog });
	try {
		const { DB, ARCHIVE } = await localBindings(worker);
		const api = await localAdminApi(worker, "pipeline bench");
		// Synthetic prices never meet real ones: only fresh state, with no model and no sample.
		const champion = await getChampion(DB);
		if (champion || (await ARCHIVE.head(priceKeys.sample)))
			throw new Error(`refusing to run: this state holds ${champion ? `model ${champion.version}` : "the sample"}`);

		let source = opts.source as string;
		let date = opts.date as string;
		if (opts.file) {
			const imported = Date.now();
			source = await importFile(api, opts.file);
			const info = await api.request<{ date_to: string }>("GET", `/v1/admin/imports/${source.slice(5)}`);
			date = opts.date ?? info.body.date_to;
			console.log(`imported in ${((Date.now() - imported) / 1000).toFixed(1)} s`);
		}
		console.log(`running the pipeline on ${source} as of ${date}…`);
		const started = Date.now();
		const { id } = await startRun(api, { source, date, force: true, trigger: "cli" });
		const ended = await follow(api, id, started + opts.timeoutMs);
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		console.log(`run ${id}: ${ended.status}${ended.reason ? ` (${ended.reason})` : ""} in ${seconds} s`);

		// The learned model the run fitted, and what it published with.
		const models = await api.request<{ data: { version: string; source: string; row_count: number }[] }>(
			"GET",
			"/v1/models",
		);
		const model = models.body.data?.find((m) => m.version === ended.model_version) ?? null;
		if (model)
			console.log(`learned model ${model.version}: source ${model.source}, fitted on ${model.row_count} card-days`);
		console.log(`published with ${ended.serving_version}`);

		let node: NodeMeasurement[] = [];
		const plan = ended.steps.find((s) => s.name === STEP.plan)?.outputs as SourcePlan | undefined;
		if (opts.node && plan && ended.status !== "failed") {
			console.log("running the largest shard's step functions again in Node for CPU and peak heap…");
			// The step functions import cloudflare:workflows: the shim gives Node a stand-in first.
			await import("./workers-shim");
			const { measureInNode } = await import("./pipeline-node");
			node = await measureInNode({
				config,
				params: PipelineParams.parse({ source, run_date: date, trigger: "cli", force: true }),
				runId: id,
				plan,
				steps: ended.steps,
				fetchObject: async (k) => {
					const o = await ARCHIVE.get(k);
					if (!o) throw new Error(`missing R2 object ${k}`);
					return new Uint8Array(await o.arrayBuffer());
				},
			});
		}

		const rows = stepRows(ended.steps, logs, node);
		const kinds = kindRows(rows);
		const totals = totalsOf(rows, ended);
		console.table(printableSteps(rows));
		console.table(printableKinds(kinds));
		console.table([
			{
				steps: totals.steps,
				"run wall s": totals.run_wall_ms === null ? "" : (totals.run_wall_ms / 1000).toFixed(1),
				"steps wall s": (totals.steps_wall_ms / 1000).toFixed(1),
				"prices collected": totals.rows_collected?.toLocaleString("en-US") ?? "",
				"R2 reads": totals.r2_reads.toLocaleString("en-US"),
				"R2 writes": totals.r2_writes.toLocaleString("en-US"),
				"R2 MB written": (totals.r2_write_bytes / 2 ** 20).toFixed(1),
				"largest read KB": totals.largest_read_bytes === null ? "" : (totals.largest_read_bytes / 1024).toFixed(1),
			},
		]);
		const report = {
			source,
			file: opts.file,
			run_date: date,
			shard_cards: config.PIPELINE_SHARD_CARDS,
			run: { id, status: ended.status, reason: ended.reason, model_version: ended.model_version },
			model,
			totals,
			kinds,
			steps: rows,
			node_note:
				"node_* figures: the step function re-run in Node on the largest shard (CPU, peak heap + external at GCs)",
		};
		await writeBenchResults("pipeline", opts.out ?? undefined, report);
		return ended.status === "failed" ? 1 : 0;
	} finally {
		await worker.dispose();
	}
}
