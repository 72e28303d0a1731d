/**
 * `npm run bench -- market [--feed small|full] [--nights N] [--history-days N] [--skip-node] [--out FILE]`
 *
 * The whole market at catalogue size. In workerd: a local feed host serves the synthetic feed
 * (`full`: 650 groups, ~64,000 series) and a fresh local Worker runs the real nightly Workflow
 * on it for N nights (the first night fetches every group's products, later ones only changed
 * groups'): per night, the requests the feed answered by kind, the run's time, and each kind of
 * step's time and R2 traffic; then filtered and sorted `GET /v1/cards` pages over the catalogue
 * it published, timed. In Node (unless --skip-node): the feed steps again, for memory, CPU and
 * subrequests per invocation; with --history-days N, after N-1 nightly snapshots written into
 * the history, the largest shard's collect and features over them.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { Config } from "../../src/config";
import { addDays } from "../../src/model/dates";
import type { Api } from "../lib/api-client";
import { startFeedHost } from "../lib/feed/feed-host";
import { FEED_SIZES, SyntheticFeed } from "../lib/feed/synthetic-feed";
import { ROOT } from "../lib/local";
import { localAdminApi } from "../lib/local-admin";
import { startLocalWorker } from "../lib/local-worker";
import { followRun, type RunView, startRun } from "../lib/pipeline-client";
import { kindRows, printableKinds, type StepLog, type StepView, stepRows } from "./pipeline-report";
import { writeBenchResults } from "./results";

const USAGE =
	"usage: npm run bench -- market [--feed small|full] [--nights N] [--history-days N] [--skip-node] [--out FILE]";

function options(args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			feed: { type: "string", default: "full" },
			nights: { type: "string", default: "2" },
			"history-days": { type: "string", default: "0" },
			"skip-node": { type: "boolean", default: false },
			repeat: { type: "string", default: "20" },
			out: { type: "string" },
		},
	});
	const int = (name: string, value: string, min: number, max: number) => {
		const n = Number(value);
		if (!Number.isInteger(n) || n < min || n > max)
			throw new Error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
		return n;
	};
	if (values.feed !== "small" && values.feed !== "full")
		throw new Error(`--feed must be small or full, got "${values.feed}"\n${USAGE}`);
	return {
		feed: values.feed as keyof typeof FEED_SIZES,
		nights: int("nights", values.nights, 1, 30),
		historyDays: int("history-days", values["history-days"], 0, 3650),
		repeat: int("repeat", values.repeat, 1, 1000),
		node: !values["skip-node"],
		out: values.out ?? null,
	};
}

const FIRST_NIGHT = "2026-11-01";

/** The requests a host log holds, by what was asked. */
function requestKinds(paths: readonly string[]) {
	const kind = (p: string) =>
		p.endsWith("/last-updated.txt")
			? "last_updated"
			: p.endsWith("/groups")
				? "groups"
				: p.endsWith("/products")
					? "products"
					: p.endsWith("/prices")
						? "prices"
						: "other";
	const out = { last_updated: 0, groups: 0, products: 0, prices: 0, other: 0, total: paths.length };
	for (const p of paths) out[kind(p)]++;
	return out;
}

const percentile = (sorted: readonly number[], q: number) =>
	sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

/** Times each catalogue query `repeat` times, one after another. */
async function timeCatalogue(api: Api, repeat: number) {
	const first = await api.request<{ data: { name: string; set: string; printing: string | null }[] }>(
		"GET",
		"/v1/cards?limit=1&sort=-price",
	);
	const card = first.body.data[0];
	const word = card?.name.split(" ").find((w) => w.length >= 4) ?? "Synthetic";
	const queries = [
		"/v1/cards?limit=100",
		`/v1/cards?limit=100&q=${encodeURIComponent(word)}`,
		`/v1/cards?limit=100&set=${encodeURIComponent(card?.set ?? "")}`,
		`/v1/cards?limit=100&printing=${encodeURIComponent(card?.printing ?? "Holofoil")}&kind=card&sort=-price`,
		"/v1/cards?limit=100&language=ja&min_price=5&max_price=50&sort=-price",
		"/v1/cards?limit=100&sort=-change",
		"/v1/cards?limit=100&signal=HOLD&sort=-probability",
		"/v1/cards?limit=100&kind=sealed&sort=price",
	];
	const rows = [];
	for (const query of queries) {
		const ms: number[] = [];
		let status = 0;
		let items = 0;
		for (let i = 0; i < repeat; i++) {
			const t0 = performance.now();
			const answer = await api.request<{ data: unknown[] }>("GET", query);
			ms.push(performance.now() - t0);
			status = answer.status;
			items = answer.body.data?.length ?? 0;
		}
		ms.sort((a, b) => a - b);
		rows.push({
			query,
			status,
			items,
			p50_ms: +percentile(ms, 0.5).toFixed(1),
			p95_ms: +percentile(ms, 0.95).toFixed(1),
		});
	}
	return rows;
}

/** Runs the market benchmark; returns the exit status. */
export async function benchMarket(args: string[]): Promise<number> {
	const opts = options(args);
	const feed = new SyntheticFeed({
		seed: 1,
		categories: FEED_SIZES[opts.feed],
		// The history's first day: the synthetic feed lists nothing before its first day.
		firstDay: opts.historyDays > 1 ? addDays(FIRST_NIGHT, -(opts.historyDays - 1)) : FIRST_NIGHT,
	});
	const nights = Array.from({ length: opts.nights }, (_, k) => addDays(FIRST_NIGHT, k));
	const host = await startFeedHost({ feed, day: nights[0] as string });
	const vars = { TCGCSV_BASE_URL: host.url, TCGCSV_REQUEST_SPACING_MS: "0" };
	const config = Config.parse({
		...(unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml")).workerOptions.bindings ?? {}),
		...vars,
	});
	const series = feed.sizes.reduce((n, c) => n + c.series, 0);
	console.log(
		`synthetic feed ${opts.feed}: ${feed.groupList().length} groups, ~${series.toLocaleString("en-US")} series, on ${host.url} (TCGCSV_REQUEST_SPACING_MS=0: the deployed 100 ms spacing adds 0.1 s a request)`,
	);
	const logs: StepLog[] = [];
	const onLog = (message: string) => {
		if (!message.startsWith("{")) return;
		const line = JSON.parse(message) as StepLog & { msg?: string };
		if (line.msg === "pipeline step") logs.push(line);
	};
	const report: Record<string, unknown> = { feed: opts.feed, groups: feed.groupList().length, series };
	try {
		const worker = await startLocalWorker({ vars, onLog });
		try {
			const api = await localAdminApi(worker, "market bench");
			const perNight = [];
			for (const night of nights) {
				host.setDay(night);
				host.reset();
				const from = logs.length;
				const started = Date.now();
				const { id } = await startRun(api, { source: "tcgcsv", trigger: "cli", date: night });
				const ended = (await followRun(api, id, () => undefined)) as RunView & { steps: StepView[] };
				const seconds = (Date.now() - started) / 1000;
				const requests = requestKinds(host.requests().map((r) => r.path));
				const detail = await api.request<{ steps: StepView[] }>("GET", `/v1/runs/${id}`);
				const kinds = kindRows(stepRows(detail.body.steps, logs.slice(from), []));
				const cards = ended.steps
					.filter((s) => s.name.startsWith("publish #"))
					.reduce((n, s) => n + (((s.outputs ?? {}) as { cards?: number }).cards ?? 0), 0);
				console.log(
					`\nnight ${night}: ${ended.status} in ${seconds.toFixed(1)} s, ${cards.toLocaleString("en-US")} cards published; feed requests ${requests.total} (last-updated ${requests.last_updated}, groups ${requests.groups}, products ${requests.products}, prices ${requests.prices})`,
				);
				console.table(printableKinds(kinds));
				perNight.push({ night, run: id, status: ended.status, seconds, cards, requests, kinds });
				if (ended.status === "failed") throw new Error(`night ${night} failed: ${ended.reason}`);
			}
			report.nights = perNight;
			console.log(`\nGET /v1/cards over the published catalogue (${opts.repeat} times each, one at a time):`);
			const catalogue = await timeCatalogue(api, opts.repeat);
			console.table(catalogue);
			report.catalogue = catalogue;
		} finally {
			await worker.dispose();
		}

		if (opts.node) {
			const night = nights.at(-1) as string;
			host.setDay(night);
			console.log(
				`\nthe feed steps of ${night} again in Node (memory, CPU, subrequests)${opts.historyDays > 1 ? `, after ${opts.historyDays - 1} days of history` : ""}…`,
			);
			await import("./workers-shim");
			const { measureMarketInNode } = await import("./market-node");
			const measured = await measureMarketInNode({
				config,
				feed,
				night,
				requests: () => host.requests().length,
				historyDays: opts.historyDays,
				log: console.log,
			});
			if (measured.history)
				console.log(
					`history: ${measured.history.days} days × ${measured.history.cards_per_day.toLocaleString("en-US")} cards, ${measured.history.parts.toLocaleString("en-US")} parts, ${(measured.history.bytes / 2 ** 20).toFixed(1)} MB, written in ${measured.history.seconds} s`,
				);
			const mb = (b: number | undefined) => (b === undefined ? "" : `${(b / 2 ** 20).toFixed(1)} MB`);
			const byKind = new Map<string, (typeof measured.steps)[number][]>();
			for (const s of measured.steps) {
				const kind = s.step.replace(/ #\d+$/, "");
				byKind.set(kind, [...(byKind.get(kind) ?? []), s]);
			}
			const table = [...byKind].map(([kind, list]) => {
				const max = (f: (s: (typeof list)[number]) => number) => Math.max(...list.map(f));
				return {
					step: kind,
					invocations: list.length,
					"CPU ms (max)": max((s) => s.cpu_ms),
					"peak heap (max)": mb(max((s) => s.peak_heap_bytes)),
					"live heap (max)": mb(max((s) => s.live_heap_bytes ?? 0)),
					"fetches (max)": max((s) => s.subrequests.fetches),
					"R2 calls (max)": max((s) => s.subrequests.r2),
					"D1 calls (max)": max((s) => s.subrequests.d1),
					"subrequests (max)": max((s) => s.subrequests.total),
					note: list.find((s) => s.note)?.note ?? "",
				};
			});
			console.table(table);
			report.node = measured;
		}
		await writeBenchResults("market", opts.out ?? undefined, report);
		return 0;
	} finally {
		await host.close();
	}
}
