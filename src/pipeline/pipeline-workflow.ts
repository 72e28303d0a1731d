import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { getConfig } from "../config";
import { insertRun, liveKey } from "../db/runs";
import { runDataPoint, writeMetrics } from "../lib/metrics";
import { CODE_VERSION } from "./code-version";
import { type PipelineInput, PipelineParams } from "./params";
import { runPipeline } from "./run-pipeline";
import { IoMeter, meteredBucket } from "./step-meter";
import { StepRunner } from "./tracking";

export { type PipelineInput, PipelineParams } from "./params";

/**
 * The nightly pipeline. Thin by design: it parses its params and hands the steps (plain functions
 * in ./steps, ordered in run-pipeline.ts) to a runner that records each one in D1. A failure ends
 * the run as `failed` (recorded in its own step) and leaves the champion alone.
 */
export class PricePipeline extends WorkflowEntrypoint<Env, PipelineInput> {
	override async run(event: WorkflowEvent<PipelineInput>, step: WorkflowStep) {
		const params = PipelineParams.parse(event.payload);
		const runId = event.instanceId;
		// The steps' R2 traffic is counted per attempt and logged with each step.
		const meter = new IoMeter();
		const env = { DB: this.env.DB, ARCHIVE: meteredBucket(this.env.ARCHIVE, meter), WEBHOOKS: this.env.WEBHOOKS };
		const steps = new StepRunner(
			this.env.DB,
			step,
			runId,
			() =>
				insertRun(this.env.DB, {
					id: runId,
					trigger: params.trigger,
					source: params.source,
					run_date: params.run_date,
					force: params.force,
					code_version: CODE_VERSION,
					created_at: event.timestamp.toISOString(),
					// An instance created directly (not through requestRun) holds a key of its own.
					live_key: liveKey({ ...params, code_version: CODE_VERSION }, runId),
				}),
			meter,
		);
		const metrics = (status: string, version: string | null, promoted: boolean) =>
			writeMetrics(
				this.env.METRICS,
				runDataPoint({
					run_id: runId,
					source: params.source,
					status,
					trigger: params.trigger,
					model_version: version,
					duration_ms: Date.now() - event.timestamp.getTime(),
					promoted,
				}),
			);
		try {
			const output = await runPipeline(env, getConfig(this.env), steps, params);
			console.log(JSON.stringify({ level: "info", msg: "pipeline run ended", run_id: runId, ...output }));
			metrics(output.status, output.serving, output.promoted);
			return output;
		} catch (error) {
			metrics("failed", null, false);
			console.error(
				JSON.stringify({
					level: "error",
					msg: "pipeline run failed",
					run_id: runId,
					step: steps.current,
					error: String(error),
				}),
			);
			await steps.fail(error);
			throw error;
		}
	}
}
