/**
 * The load generator, run as its own process so it never shares an event loop with the
 * Worker: reads a plan as JSON on stdin, drives each scenario for a bounded time over
 * keep-alive connections, and writes the measurements as JSON on stdout.
 */
import { Pool } from "undici";

export type Request = { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string };

export type Scenario = {
	name: string;
	origin: string;
	/** Requests cycle through these; the cold scenario gives each request its own. */
	requests: Request[];
	/** Stop after the list has been used once (for "a different request every time"). */
	once?: boolean;
	/** Status codes that count as the expected answer (others are errors). */
	expect: number[];
};

export type Plan = { connections: number; durationMs: number; warmupMs: number; scenarios: Scenario[] };

export type Measurement = {
	name: string;
	requests: number;
	errors: number;
	seconds: number;
	rps: number;
	p50_ms: number;
	p95_ms: number;
	p99_ms: number;
	statuses: Record<string, number>;
};

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return Number.NaN;
	const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[Math.max(0, index)] as number;
}

async function drive(pool: Pool, scenario: Scenario, connections: number, durationMs: number, record: boolean) {
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	let errors = 0;
	let next = 0;
	const deadline = performance.now() + durationMs;
	const started = performance.now();
	const worker = async () => {
		while (performance.now() < deadline) {
			if (scenario.once && next >= scenario.requests.length) return;
			const req = scenario.requests[next++ % scenario.requests.length] as Request;
			const t0 = performance.now();
			try {
				const res = await pool.request({ method: req.method, path: req.path, headers: req.headers, body: req.body });
				await res.body.dump();
				if (record) {
					latencies.push(performance.now() - t0);
					statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
					if (!scenario.expect.includes(res.statusCode)) errors++;
				}
			} catch {
				if (record) errors++;
			}
		}
	};
	await Promise.all(Array.from({ length: connections }, worker));
	const seconds = (performance.now() - started) / 1000;
	const sorted = Float64Array.from(latencies).sort();
	const round = (n: number) => Math.round(n * 100) / 100;
	return {
		name: scenario.name,
		requests: latencies.length,
		errors,
		seconds: round(seconds),
		rps: Math.round(latencies.length / seconds),
		p50_ms: round(percentile(sorted, 50)),
		p95_ms: round(percentile(sorted, 95)),
		p99_ms: round(percentile(sorted, 99)),
		statuses,
	} satisfies Measurement;
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const plan = JSON.parse(Buffer.concat(chunks).toString()) as Plan;
const results: Measurement[] = [];
for (const scenario of plan.scenarios) {
	const pool = new Pool(scenario.origin, { connections: plan.connections, pipelining: 1, keepAliveTimeout: 30_000 });
	if (plan.warmupMs > 0 && !scenario.once) await drive(pool, scenario, plan.connections, plan.warmupMs, false);
	results.push(await drive(pool, scenario, plan.connections, plan.durationMs, true));
	await pool.close();
}
process.stdout.write(JSON.stringify(results));
