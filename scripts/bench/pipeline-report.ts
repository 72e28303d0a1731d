/**
 * The pipeline benchmark's figures, from what a run recorded: its steps (GET /v1/runs/{id}), the
 * Worker's "pipeline step" log lines (R2 traffic per attempt) and the Node measurements of one
 * shard. Pure: no I/O, so it is tested on its own.
 */
import type { StepIo } from "../../src/pipeline/step-meter";
import { stepKind } from "../../src/pipeline/step-names";

/** A step as GET /v1/runs/{id} shows it. */
export type StepView = {
	name: string;
	status: string;
	attempts: number;
	cached: boolean;
	started_at: string;
	ended_at: string | null;
	outputs: unknown;
};

/** A "pipeline step" log line of the Worker. */
export type StepLog = { step: string; attempt: number; duration_ms: number; outcome: string; io?: StepIo };

/**
 * One step function run again in Node on the same data (see pipeline-node.ts): CPU, wall time,
 * the largest heap seen before a collection (garbage included: an upper bound) and the largest
 * left after one (what the step really holds; V8 collects before it would exceed a limit).
 */
export type NodeMeasurement = {
	step: string;
	cpu_ms: number;
	wall_ms: number;
	peak_heap_bytes: number;
	live_heap_bytes?: number;
};

/** One line of the step table. */
export type StepRow = {
	step: string;
	kind: string;
	status: string;
	cached: boolean;
	attempts: number;
	wall_ms: number | null;
	/** Rows the step reads (prices, feature rows, or cards for the model steps), from the outputs it was given. */
	rows_in: number | null;
	/** Rows (or cards) it writes. */
	rows_out: number | null;
	reads: number | null;
	read_bytes: number | null;
	max_read_bytes: number | null;
	max_read_key: string | null;
	writes: number | null;
	write_bytes: number | null;
	node_cpu_ms: number | null;
	node_peak_heap_bytes: number | null;
	node_live_heap_bytes: number | null;
};

const num = (o: unknown, field: string): number | null => {
	const v = (o as Record<string, unknown> | null)?.[field];
	return typeof v === "number" ? v : null;
};
const shardOf = (name: string) => /#(\d+)$/.exec(name)?.[1];

/** Rows in and out of a step, following the data from the step that wrote its input. */
function flow(step: StepView, byName: Map<string, StepView>): { in: number | null; out: number | null } {
	const kind = stepKind(step.name);
	const shard = shardOf(step.name);
	const from = (base: string, field: string) => num(byName.get(`${base} #${shard}`)?.outputs, field);
	const sum = (base: string, field: string) => {
		let total: number | null = null;
		for (const s of byName.values()) if (stepKind(s.name) === base) total = (total ?? 0) + (num(s.outputs, field) ?? 0);
		return total;
	};
	switch (kind) {
		case "plan shards":
			return { in: null, out: num(step.outputs, "cards") };
		case "collect":
			return { in: null, out: num(step.outputs, "rows") };
		case "check collection":
			return { in: sum("collect", "rows"), out: null };
		case "features":
			return { in: from("collect", "rows"), out: num(step.outputs, "rows") };
		case "assemble":
			return { in: sum("features", "sampled"), out: num(step.outputs, "rows") };
		case "fit":
			return { in: num(byName.get("assemble")?.outputs, "rows"), out: num(step.outputs, "judged") };
		case "fit final":
			return { in: num(byName.get("assemble")?.outputs, "rows"), out: num(step.outputs, "rows") };
		case "evaluate":
			return { in: num(byName.get("assemble")?.outputs, "rows"), out: null };
		case "publish":
			return { in: from("features", "rows"), out: num(step.outputs, "cards") };
		case "finalize":
			return { in: sum("publish", "cards"), out: null };
		default:
			return { in: null, out: null };
	}
}

const elapsed = (from: string, to: string | null) => (to ? Date.parse(to) - Date.parse(from) : null);

/** The step table: one row per step in run order, with the last attempt's R2 traffic and any Node figures. */
export function stepRows(
	steps: readonly StepView[],
	logs: readonly StepLog[],
	node: readonly NodeMeasurement[] = [],
): StepRow[] {
	const byName = new Map(steps.map((s) => [s.name, s]));
	const lastLog = new Map<string, StepLog>();
	for (const l of logs) if ((lastLog.get(l.step)?.attempt ?? 0) <= l.attempt) lastLog.set(l.step, l);
	const measured = new Map(node.map((m) => [m.step, m]));
	return steps.map((s) => {
		const io = lastLog.get(s.name)?.io;
		const rows = flow(s, byName);
		const m = measured.get(s.name);
		return {
			step: s.name,
			kind: stepKind(s.name),
			status: s.status,
			cached: s.cached,
			attempts: s.attempts,
			wall_ms: elapsed(s.started_at, s.ended_at),
			rows_in: rows.in,
			rows_out: rows.out,
			reads: io?.reads ?? null,
			read_bytes: io?.read_bytes ?? null,
			max_read_bytes: io?.max_read_bytes ?? null,
			max_read_key: io?.max_read_key ?? null,
			writes: io?.writes ?? null,
			write_bytes: io?.write_bytes ?? null,
			node_cpu_ms: m?.cpu_ms ?? null,
			node_peak_heap_bytes: m?.peak_heap_bytes ?? null,
			node_live_heap_bytes: m?.live_heap_bytes ?? null,
		};
	});
}

/** Per kind of step: how many, their total and largest wall time, largest input and Node figures. */
export type KindRow = {
	kind: string;
	steps: number;
	wall_ms_total: number;
	wall_ms_max: number;
	rows_in_max: number | null;
	max_read_bytes: number | null;
	writes_total: number;
	node_cpu_ms: number | null;
	node_peak_heap_bytes: number | null;
	node_live_heap_bytes: number | null;
};

const maxOf = (values: (number | null)[]) =>
	values.reduce<number | null>((m, v) => (v === null ? m : m === null || v > m ? v : m), null);

/** The step table grouped by kind, in run order. */
export function kindRows(rows: readonly StepRow[]): KindRow[] {
	const groups = new Map<string, StepRow[]>();
	for (const r of rows) groups.set(r.kind, [...(groups.get(r.kind) ?? []), r]);
	return [...groups.entries()].map(([kind, g]) => ({
		kind,
		steps: g.length,
		wall_ms_total: g.reduce((a, r) => a + (r.wall_ms ?? 0), 0),
		wall_ms_max: maxOf(g.map((r) => r.wall_ms)) ?? 0,
		rows_in_max: maxOf(g.map((r) => r.rows_in)),
		max_read_bytes: maxOf(g.map((r) => r.max_read_bytes)),
		writes_total: g.reduce((a, r) => a + (r.writes ?? 0), 0),
		node_cpu_ms: maxOf(g.map((r) => r.node_cpu_ms)),
		node_peak_heap_bytes: maxOf(g.map((r) => r.node_peak_heap_bytes)),
		node_live_heap_bytes: maxOf(g.map((r) => r.node_live_heap_bytes)),
	}));
}

/** The whole run: wall time from creation to end, and how much of it the steps account for. */
export type Totals = {
	steps: number;
	run_wall_ms: number | null;
	steps_wall_ms: number;
	rows_collected: number | null;
	r2_reads: number;
	r2_read_bytes: number;
	r2_writes: number;
	r2_write_bytes: number;
	largest_read_bytes: number | null;
};

/** Totals over the step table. */
export function totalsOf(rows: readonly StepRow[], run: { created_at: string; ended_at: string | null }): Totals {
	const add = (f: (r: StepRow) => number | null) => rows.reduce((a, r) => a + (f(r) ?? 0), 0);
	return {
		steps: rows.length,
		run_wall_ms: elapsed(run.created_at, run.ended_at),
		steps_wall_ms: add((r) => r.wall_ms),
		rows_collected: rows.find((r) => r.kind === "check collection")?.rows_in ?? null,
		r2_reads: add((r) => r.reads),
		r2_read_bytes: add((r) => r.read_bytes),
		r2_writes: add((r) => r.writes),
		r2_write_bytes: add((r) => r.write_bytes),
		largest_read_bytes: maxOf(rows.map((r) => r.max_read_bytes)),
	};
}

const kb = (bytes: number | null) =>
	bytes === null ? "" : bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number | null) => (bytes === null ? "" : `${(bytes / 2 ** 20).toFixed(1)} MB`);
const n = (v: number | null) => (v === null ? "" : v.toLocaleString("en-US"));

/** The step table as console.table rows. */
export function printableSteps(rows: readonly StepRow[]): Record<string, string>[] {
	return rows.map((r) => ({
		step: `${r.step}${r.cached ? " (cached)" : ""}${r.status === "complete" ? "" : ` [${r.status}]`}`,
		"wall ms": n(r.wall_ms),
		"rows in": n(r.rows_in),
		"rows out": n(r.rows_out),
		"largest read": r.reads ? kb(r.max_read_bytes) : "",
		"R2 reads/writes": r.reads === null ? "" : `${r.reads}/${r.writes}`,
		"Node CPU ms": n(r.node_cpu_ms),
		"Node peak heap": mb(r.node_peak_heap_bytes),
		"Node live heap": mb(r.node_live_heap_bytes),
	}));
}

/** The per-kind table as console.table rows. */
export function printableKinds(rows: readonly KindRow[]): Record<string, string>[] {
	return rows.map((r) => ({
		kind: r.kind,
		steps: n(r.steps),
		"wall ms total": n(r.wall_ms_total),
		"wall ms max": n(r.wall_ms_max),
		"rows in max": n(r.rows_in_max),
		"largest read": r.max_read_bytes ? kb(r.max_read_bytes) : "",
		"R2 writes": n(r.writes_total),
		"Node CPU ms": n(r.node_cpu_ms),
		"Node peak heap": mb(r.node_peak_heap_bytes),
		"Node live heap": mb(r.node_live_heap_bytes),
	}));
}
