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

/** Uploads a CSV file for a `file:` run; returns the run source naming it. */
export async function uploadFile(api: Api, text: string): Promise<string> {
	const answer = await api.request<{ source?: string }>("POST", "/v1/admin/imports", text, "text/csv");
	if ((answer.status === 200 || answer.status === 201) && answer.body.source) return answer.body.source;
	throw new UsageError(`the API refused the file; nothing was imported.\n${describeProblem(answer)}`);
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
	if (typeof o.rows === "number" && typeof o.cards === "number") return `${o.rows} prices, ${o.cards} cards`;
	if (o.best && typeof o.best === "object") return `best: ${(o.best as { id: string }).id}`;
	if (typeof o.passed === "boolean") return o.passed ? "gate passed" : "gate failed";
	if (typeof o.version === "string") return o.version;
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

/** A run's ending in a few lines. */
export function summarise(run: RunView): string {
	const metric = (subject: string, window: string, name: string) =>
		run.metrics.find((m) => m.subject === subject && m.window_name === window && m.name === name)?.value;
	const fmt = (v: number | null | undefined, pct = true) =>
		v === null || v === undefined ? "n/a" : pct ? `${(v * 100).toFixed(2)}%` : v.toFixed(4);
	const lines = [`Run ${run.id}: ${run.status}${run.reason ? ` (${run.reason})` : ""}`];
	if (run.candidate) {
		lines.push(
			`  model: ${run.candidate}, validation MAPE ${fmt(metric("chosen", "validation", "mape"))}, coverage ${fmt(
				metric("chosen", "validation", "coverage"),
			)}, score ${fmt(metric("chosen", "validation", "score"), false)} (naive MAPE ${fmt(metric("naive", "validation", "mape"))})`,
		);
	}
	if (run.model_version) lines.push(`  version: ${run.model_version}${run.promoted ? " (champion)" : ""}`);
	const drift = metric("drift", "run", "flagged");
	if (drift !== undefined)
		lines.push(
			`  drift: PSI ${fmt(metric("drift", "run", "psi"), false)}, KS ${fmt(metric("drift", "run", "ks"), false)}${drift ? " — FLAGGED" : ""}`,
		);
	return lines.join("\n");
}

/** The exit status of a finished run: 0 complete, 3 rejected, 1 failed. */
export const exitCode = (run: RunView) => (run.status === "complete" ? 0 : run.status === "rejected" ? 3 : 1);
