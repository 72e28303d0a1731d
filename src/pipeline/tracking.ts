/**
 * Runs Workflow steps and records each in D1 (`pipeline_steps`): attempts, timestamps, input
 * hash, outputs, whether it was served from the step cache, and the error of a failed attempt.
 */
import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { endRun, heartbeat } from "../db/runs";
import { dropStaged } from "../db/serving";
import { findCachedOutputs, stepEnded, stepFailedOutside, stepStarted } from "../db/steps";
import { sha256Hex } from "../lib/hash";
import { CODE_VERSION } from "./code-version";
import { forEngine } from "./errors";
import type { IoMeter, StepIo } from "./step-meter";
import { STEP, stepKind } from "./step-names";

/** How a step may be served from the cache: its input hash, and a check that the outputs are still usable. */
export type StepCache<T> = { inputHash: string; reusable: (outputs: T) => Promise<boolean> };

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600 };

/** A step config's timeout in seconds (`"5 minutes"`, or milliseconds as a number); 10 minutes when unset. */
export function timeoutSeconds(config: WorkflowStepConfig): number {
	const t = config.timeout;
	if (typeof t === "number") return Math.ceil(t / 1000);
	const m = typeof t === "string" ? /^(\d+)\s*(second|minute|hour)s?$/.exec(t.trim()) : null;
	return m ? Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number) : 600;
}

/** The input hash of a step: its kind, the code version and its inputs. */
export const inputHash = (kind: string, input: unknown) =>
	sha256Hex(JSON.stringify({ kind, code_version: CODE_VERSION, input }));

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Row count a step reports in its outputs (`rows`, `row_count` or `rows_out`), for the step log line. */
function rowsOf(outputs: unknown): number | null {
	if (typeof outputs !== "object" || outputs === null) return null;
	const o = outputs as Record<string, unknown>;
	for (const field of ["rows", "row_count", "rows_out"]) if (typeof o[field] === "number") return o[field] as number;
	return null;
}

/** One structured log line per step attempt, for `wrangler tail --format json`. */
function logStep(line: {
	run_id: string;
	step: string;
	attempt: number;
	duration_ms: number;
	rows: number | null;
	outcome: "complete" | "cached" | "failed";
	error?: string;
	/** The attempt's R2 traffic, where the runner has a meter. */
	io?: StepIo;
}) {
	const write = line.outcome === "failed" ? console.warn : console.log;
	write(JSON.stringify({ level: line.outcome === "failed" ? "warn" : "info", msg: "pipeline step", ...line }));
}

/** Runs a run's steps through the Workflow engine, recording each one. */
export class StepRunner {
	/** The step running (or last run): named in the run's failure record. */
	current: string | null = null;

	constructor(
		private readonly db: D1Database,
		private readonly step: WorkflowStep,
		readonly runId: string,
		/** Statement inserting the run row if it is not there yet (an instance created directly). */
		private readonly registerRun: () => D1PreparedStatement,
		/** Counts each attempt's R2 traffic (the steps' bucket must be metered by it), logged with the step. */
		private readonly meter?: IoMeter,
	) {}

	/**
	 * Runs `body` as the step `name`. With `cache`, a completed step of the same kind, input hash
	 * and code version (from any run) is reused instead when its outputs are still usable. `record`
	 * runs either way, for what this run must record about the outputs (artifacts, metrics).
	 */
	async do<T extends Rpc.Serializable<T>>(
		name: string,
		config: WorkflowStepConfig,
		body: () => Promise<T>,
		options: {
			cache?: StepCache<T>;
			record?: (outputs: T, cached: boolean) => Promise<void>;
		} = {},
	): Promise<T> {
		this.current = name;
		const kind = stepKind(name);
		return this.step.do(name, config, async (ctx) => {
			const base = { run_id: this.runId, name };
			const started = Date.now();
			this.meter?.begin();
			const beat = () => heartbeat(this.db, this.runId, new Date().toISOString(), timeoutSeconds(config));
			await this.db.batch([
				// The run row comes first: step rows refer to it.
				...(name === STEP.start ? [this.registerRun()] : []),
				beat(),
				stepStarted(this.db, {
					...base,
					kind,
					attempt: ctx.attempt,
					at: new Date().toISOString(),
					input_hash: options.cache?.inputHash ?? null,
					code_version: CODE_VERSION,
				}),
			]);
			try {
				let outputs: T | null = null;
				if (options.cache) {
					const hit = (await findCachedOutputs(this.db, {
						kind,
						input_hash: options.cache.inputHash,
						code_version: CODE_VERSION,
					})) as T | null;
					if (hit !== null && (await options.cache.reusable(hit))) outputs = hit;
				}
				const cached = outputs !== null;
				const result = cached ? (outputs as T) : await body();
				await options.record?.(result, cached);
				await this.db.batch([
					stepEnded(this.db, {
						...base,
						status: "complete",
						at: new Date().toISOString(),
						outputs: result,
						cached,
					}),
					beat(),
				]);
				logStep({
					run_id: this.runId,
					step: name,
					attempt: ctx.attempt,
					duration_ms: Date.now() - started,
					rows: rowsOf(result),
					outcome: cached ? "cached" : "complete",
					...(this.meter ? { io: this.meter.end() } : {}),
				});
				return result;
			} catch (error) {
				logStep({
					run_id: this.runId,
					step: name,
					attempt: ctx.attempt,
					duration_ms: Date.now() - started,
					rows: null,
					outcome: "failed",
					error: errorText(error),
					...(this.meter ? { io: this.meter.end() } : {}),
				});
				await stepEnded(this.db, { ...base, status: "failed", at: new Date().toISOString(), error: errorText(error) })
					.run()
					.catch(() => undefined);
				throw forEngine(error);
			}
		});
	}

	/**
	 * Records that the run failed: the step that was running is marked failed (if the engine
	 * failed it before our code ran) and the run ends as `failed` with that step's error. The
	 * champion is never touched.
	 */
	async fail(error: unknown): Promise<void> {
		const name = this.current;
		await this.step.do(STEP.fail, { retries: { limit: 5, delay: "2 seconds", backoff: "exponential" } }, async () => {
			const at = new Date().toISOString();
			await this.registerRun().run();
			if (name)
				await stepFailedOutside(this.db, {
					run_id: this.runId,
					name,
					kind: stepKind(name),
					at,
					code_version: CODE_VERSION,
					error: errorText(error),
				}).run();
			const row = name
				? await this.db
						.prepare("SELECT status, error FROM pipeline_steps WHERE run_id = ? AND name = ?")
						.bind(this.runId, name)
						.first<{ status: string; error: string | null }>()
				: null;
			const reason =
				row?.status === "failed"
					? `${name} failed: ${row.error ?? errorText(error)}`
					: `the run failed${name ? ` after ${name}` : ""}: ${errorText(error)}`;
			// Nothing a failed run staged is published.
			await this.db.batch([endRun(this.db, this.runId, "failed", at, reason), ...dropStaged(this.db, this.runId)]);
			return { reason };
		});
	}
}
