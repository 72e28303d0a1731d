/** Starting pipeline runs through the API and following them step by step. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Api, describeProblem, UsageError } from "./api-client";
import { ROOT } from "./local";

/** The shipped sample. */
export const SAMPLE_CSV = join(ROOT, "data", "sample", "card_prices.csv");

type Step = { name: string; status: string; attempts: number; cached: boolean; outputs: unknown; error: string | null };
/** The parts of GET /v1/runs/{id} the CLI shows. */
export type RunView = {
	id: string;
	status: "queued" | "running" | "complete" | "rejected" | "failed";
	source: string;
	run_date: string;
	candidate: string | null;
	model_version: string | null;
	promoted: boolean;
	serving_version: string | null;
	published: boolean;
	reason: string | null;
	steps: Step[];
	metrics: { subject: string; window_name: string; name: string; value: number | null }[];
};

/** Uploads the shipped sample unless the Worker already has this exact file. */
export async function ensureSample(api: Api): Promise<"uploaded" | "present"> {
	const text = await readFile(SAMPLE_CSV, "utf8");
	const sha256 = createHash("sha256").update(text).digest("hex");
	const stored = await api.request<{ sha256?: string }>("GET", "/v1/admin/sample");
	if (stored.status === 200 && stored.body.sha256 === sha256) return "present";
	const put = await api.request("PUT", "/v1/admin/sample", text, "text/csv");
	if (put.status !== 200) throw new Error(`could not upload the sample: ${describeProblem(put)}`);
	return "uploaded";
}

/** POST /v1/admin/runs; returns the run id and whether an existing run was reused. */
export async function startRun(
	api: Api,
	body: { source: string; date?: string; force?: boolean; trigger: "cli" | "start" },
): Promise<{ id: string; reused: boolean }> {
	const answer = await api.request<{ run?: { id: string }; reused?: boolean }>("POST", "/v1/admin/runs", body);
	if ((answer.status === 200 || answer.status === 202) && answer.body.run)
		return { id: answer.body.run.id, reused: answer.body.reused === true };
	if (answer.status === 422) throw new UsageError(describeProblem(answer));
	throw new Error(`could not start the run: ${describeProblem(answer)}`);
}

function stepDetail(step: Step): string {
	const o = (step.outputs ?? {}) as Record<string, unknown>;
	if (step.status === "failed") return step.error ?? "";
	if (typeof o.buy === "number" && typeof o.cards === "number")
		return `${o.cards} cards published (${o.buy} BUY, ${o.sell} SELL), ${o.recorded} recorded, ${o.resolved} outcomes filled in`;
	if (typeof o.rows === "number" && typeof o.cards === "number") return `${o.rows} prices, ${o.cards} cards`;
	if (o.verdict && typeof o.verdict === "object") {
		const v = o.verdict as { challenger: string | null; passed: boolean };
		return `challenger ${v.challenger ?? "none"}: gate ${v.passed ? "passed" : "failed"}`;
	}
	if (o.serving && typeof o.serving === "object")
		return `publishing with ${(o.serving as { version: string }).version}`;
	if (typeof o.judged === "number") return o.predictions ? `${o.judged} card-days judged` : "too few days to fit";
	if (typeof o.status === "string" && typeof o.promoted === "boolean")
		return `${o.status}${o.promoted ? ", promoted" : ""}`;
	if (typeof o.rows === "number") return `${o.rows} rows`;
	return "";
}

const MARK: Record<string, string> = { complete: "✓", failed: "✗", running: "…" };

/** Polls the run, printing each step when it changes, until the run ends. */
export async function followRun(api: Api, id: string, log = console.log, intervalMs = 1000): Promise<RunView> {
	const seen = new Map<string, string>();
	for (;;) {
		const answer = await api.request<RunView>("GET", `/v1/runs/${id}`);
		if (answer.status === 429) {
			// A key at its rate limit: wait as told, then keep following.
			await new Promise((r) => setTimeout(r, 5000));
			continue;
		}
		if (answer.status !== 200) throw new Error(`could not read run ${id}: ${describeProblem(answer)}`);
		const run = answer.body;
		for (const step of run.steps) {
			const state = `${step.status}/${step.attempts}/${step.cached}`;
			if (seen.get(step.name) === state) continue;
			seen.set(step.name, state);
			const attempts = step.attempts > 1 ? ` (attempt ${step.attempts})` : "";
			const cached = step.cached ? " (cached)" : "";
			const detail = stepDetail(step);
			log(`  ${MARK[step.status] ?? "?"} ${step.name}${cached}${attempts}${detail ? `  ${detail}` : ""}`);
		}
		if (run.status === "complete" || run.status === "rejected" || run.status === "failed") return run;
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** A run's ending in a few lines: the gate, each side's validation figures, what published. */
export function summarise(run: RunView): string {
	const metric = (subject: string, window: string, name: string) =>
		run.metrics.find((m) => m.subject === subject && m.window_name === window && m.name === name)?.value;
	const num = (v: number | null | undefined, digits = 3) =>
		v === null || v === undefined ? "n/a" : `${v >= 0 ? "+" : ""}${v.toFixed(digits)}`;
	const lines = [`Run ${run.id}: ${run.status}${run.reason ? ` (${run.reason})` : ""}`];
	const subject = run.candidate === "learned" ? "learned" : run.candidate ? `baseline:${run.candidate}` : null;
	if (subject)
		lines.push(
			`  challenger ${run.candidate} on validation: pooled edge ${num(metric(subject, "validation", "pooled_edge"))}, BUY edge ${num(
				metric(subject, "validation", "buy_edge"),
			)}, SELL edge ${num(metric(subject, "validation", "sell_edge"))}, signal rate ${num(metric(subject, "validation", "signal_rate"))}`,
		);
	if (run.model_version) lines.push(`  learned model: ${run.model_version}`);
	if (run.promoted) lines.push(`  champion is now: ${run.serving_version}`);
	if (run.serving_version)
		lines.push(
			`  published with: ${run.serving_version}${run.published ? "" : " (its data is older than what serves: only cards it had newer were replaced)"}`,
		);
	const drift = metric("drift", "run", "flagged");
	if (drift !== undefined)
		lines.push(
			`  drift: PSI ${num(metric("drift", "run", "psi"), 4)}, KS ${num(metric("drift", "run", "ks"), 4)}${drift ? " — FLAGGED" : ""}`,
		);
	return lines.join("\n");
}

/** One line per replayed night. */
export function nightLine(run: RunView): string {
	const publish = run.steps.filter((s) => s.name.startsWith("publish #"));
	const sum = (field: string) =>
		publish.reduce((a, s) => a + (((s.outputs ?? {}) as Record<string, number>)[field] ?? 0), 0);
	const gate =
		run.status === "complete"
			? `promoted ${run.candidate}`
			: run.status === "rejected"
				? "gate kept the champion"
				: run.status;
	return `${run.run_date} ${run.id}: ${gate}; published with ${run.serving_version ?? "nothing"}${
		run.published ? "" : " (older data than serving)"
	}: ${sum("cards")} cards, ${sum("buy")} BUY, ${sum("sell")} SELL${run.status === "failed" ? ` — ${run.reason}` : ""}`;
}

/**
 * Waits until the Worker serves the run's data (isolates re-read what serves within
 * MODEL_REFRESH_SECONDS), so a question asked right after the command sees the new night.
 */
export async function waitUntilServed(api: Api, run: RunView, timeoutMs = 120_000): Promise<void> {
	if (run.status === "failed") return;
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const health = await api.request<{ epoch?: string }>("GET", "/v1/health");
		if (health.status === 200 && health.body.epoch === run.id) return;
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** The exit status of a finished run: 0 complete, 3 rejected, 1 failed. */
export const exitCode = (run: RunView) => (run.status === "complete" ? 0 : run.status === "rejected" ? 3 : 1);
