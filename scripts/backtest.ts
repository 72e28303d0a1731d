/**
 * `npm run backtest -- --file PATH [--from D --to D] [--horizon-days N] [--min-price P] [--every N] [--holdout-cards F] [--fixed-policy D,M] [--depth N] [--rounds N]`
 *
 * Replays the nightly model selection point in time over a price file (CSV or .csv.gz): each
 * night sees only prices dated on or before it, fits and gates exactly as the pipeline does,
 * and its answers for that night are scored later by what the prices then did (first passage).
 * Prints, for the served model, the learned model and every baseline: per side the signals,
 * decided, right, precision, base rate and edge; the pooled edge; the signal rate; the Brier
 * skill and MAPE. With --holdout-cards F, a share F of the sets is never fitted on or chosen on
 * and only those cards are scored.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Config } from "../src/config";
import { sha256Hex } from "../src/lib/hash";
import { type CardSeries, isIsoDate, toSeries } from "../src/model/card-series";
import { addDays } from "../src/model/dates";
import type { ChampionModel } from "../src/model/evaluation";
import { buildTable, FEATURES, joinMarket, rowFeatures, selectRows } from "../src/model/feature-table";
import { outcomeAt } from "../src/model/first-passage";
import { answerOf, fitPair, forecast } from "../src/model/forecaster";
import { featureGains, predictGbt } from "../src/model/gbt";
import { emptyMarketTally, marketTable } from "../src/model/market";
import { type FoldMemo, type NightOptions, runNight, type ServingModel, trainingRows } from "../src/model/nightly";
import { ruleId, signalOfCode } from "../src/model/rules";
import { type DirectionMetrics, type DirectionTally, emptyTally, metricsOf, tallyDay } from "../src/model/scoring";
import { nightOptions } from "../src/pipeline/night-options";
import { runCli, UsageError } from "./lib/api-client";
import { readPriceFile } from "./lib/price-file";

const USAGE =
	"usage: npm run backtest -- --file PATH [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--horizon-days N] [--min-price P] [--every N] [--holdout-cards F] [--fixed-policy DELTA[,MOVE]] [--depth N] [--rounds N] [--json OUT]";

/** A deterministic share of sets held out: the first 8 hex of the set name's SHA-256 below F. */
async function heldOutSets(sets: Iterable<string>, share: number): Promise<Set<string>> {
	const out = new Set<string>();
	for (const s of sets) if (Number.parseInt((await sha256Hex(s)).slice(0, 8), 16) / 0x1_0000_0000 < share) out.add(s);
	return out;
}

/** The series truncated to prices on or before `date` (cards with none dropped). */
function asOf(series: readonly CardSeries[], date: string): CardSeries[] {
	const out: CardSeries[] = [];
	for (const s of series) {
		let n = s.dates.length;
		while (n > 0 && (s.dates[n - 1] as string) > date) n--;
		if (n > 0) out.push({ ...s, dates: s.dates.slice(0, n), prices: s.prices.slice(0, n) });
	}
	return out;
}

/** The last price on or before the horizon's end after `date`. */
let horizonDays = 7;
function laterOf(s: CardSeries, date: string): number {
	const end = addDays(date, horizonDays);
	let k = s.dates.indexOf(date);
	while (k + 1 < s.dates.length && (s.dates[k + 1] as string) <= end) k++;
	return s.prices[k] as number;
}

const pct = (v: number | null) => (v === null ? "   n/a" : `${(v * 100).toFixed(1).padStart(5)}%`);
const edge = (v: number | null) => (v === null ? "    n/a" : `${v >= 0 ? "+" : ""}${v.toFixed(3)}`.padStart(7));

function row(name: string, m: DirectionMetrics): string {
	const side = (s: DirectionMetrics["buy"]) =>
		`${String(s.signals).padStart(6)} ${String(s.decided).padStart(6)} ${String(s.right).padStart(6)} ${pct(s.precision)} ${pct(s.base_rate)} ${edge(s.edge)}`;
	return `${name.padEnd(34)} ${side(m.buy)} | ${side(m.sell)} | ${edge(m.pooled_edge)} ${pct(m.signal_rate)} ${edge(m.brier_skill)} ${pct(m.mape)}`;
}

async function main(): Promise<number> {
	if (process.argv.includes("--help") || process.argv.includes("-h")) {
		console.log(USAGE);
		return 0;
	}
	const { values } = parseArgs({
		options: {
			file: { type: "string" },
			from: { type: "string" },
			to: { type: "string" },
			"horizon-days": { type: "string" },
			"min-price": { type: "string", default: "0" },
			every: { type: "string", default: "1" },
			"holdout-cards": { type: "string", default: "0" },
			"fixed-policy": { type: "string" },
			depth: { type: "string" },
			rounds: { type: "string" },
			json: { type: "string" },
		},
	});
	if (!values.file) throw new UsageError(`--file is required\n${USAGE}`);
	for (const d of [values.from, values.to])
		if (d !== undefined && !isIsoDate(d)) throw new UsageError(`dates must be YYYY-MM-DD, got "${d}"\n${USAGE}`);
	const num = (name: string, v: string, min: number, max: number) => {
		const n = Number(v);
		if (!Number.isFinite(n) || n < min || n > max)
			throw new UsageError(`--${name} must be a number from ${min} to ${max}\n${USAGE}`);
		return n;
	};
	// The Worker's configuration defaults, with any of its variables set in the environment on top.
	const keys = Object.keys(Config.shape);
	const config = Config.parse({
		...Object.fromEntries(Object.entries(process.env).filter(([k]) => keys.includes(k))),
		...(values["horizon-days"] ? { HORIZON_DAYS: values["horizon-days"] } : {}),
	});
	const scoreMinPrice = num("min-price", values["min-price"], 0, 1e6);
	const every = num("every", values.every, 1, 365);
	const holdout = num("holdout-cards", values["holdout-cards"], 0, 0.99);
	// The learner alone, for files too short for a selection window: fitted each night on every
	// known day, judged with a fixed policy (distance from the base rate, move floor).
	const fixed = values["fixed-policy"]?.split(",").map(Number);
	if (fixed && (fixed.length > 2 || fixed.some((v) => !(v >= 0 && v < 1))))
		throw new UsageError(`--fixed-policy must be DELTA[,MOVE_FLOOR], fractions such as 0.15,0.1\n${USAGE}`);
	const fixedPolicy = fixed
		? { buy_delta: fixed[0] as number, sell_delta: fixed[0] as number, min_move: fixed[1] ?? 0 }
		: null;
	const fixedName = fixedPolicy ? `learned, fixed policy ${fixedPolicy.buy_delta}/${fixedPolicy.min_move}` : "";
	const base: NightOptions = nightOptions(config, false);
	// The learner's capacity, to compare learners by measurement (depth 1 is an additive model of
	// single-feature steps; the pipeline fits the defaults).
	const options: NightOptions = {
		...base,
		gbt: {
			...base.gbt,
			...(values.depth ? { depth: num("depth", values.depth, 1, 8) } : {}),
			...(values.rounds ? { rounds: num("rounds", values.rounds, 1, 1000) } : {}),
		},
	};
	const horizon = { days: config.HORIZON_DAYS, move: config.HORIZON_MOVE };
	horizonDays = horizon.days;

	console.log(`reading ${values.file} …`);
	const series = toSeries(await readPriceFile(values.file));
	const dates = [...new Set(series.flatMap((s) => s.dates))].sort();
	const dataFrom = dates[0] as string;
	const dataEnd = dates.at(-1) as string;
	const held = await heldOutSets(new Set(series.map((s) => s.set_name)), holdout);
	const fitCard = (s: { set_name: string }) => !held.has(s.set_name);
	const from = values.from ?? addDays(dataFrom, 1);
	// A night is scored only when its whole horizon lies inside the file.
	const lastScored = addDays(dataEnd, -config.HORIZON_DAYS);
	const to = values.to ?? lastScored;
	console.log(
		`${series.length} cards (${series.filter((s) => !fitCard(s)).length} held out), ${dataFrom}..${dataEnd}; nights ${from}..${to} every ${every}; horizon ${horizon.days} days, move ${horizon.move}; scoring cards priced at least $${scoreMinPrice}`,
	);

	const rules = options.rules;
	const tallies = new Map<string, DirectionTally>();
	const tally = (id: string) => {
		let t = tallies.get(id);
		if (!t) {
			t = emptyTally();
			tallies.set(id, t);
		}
		return t;
	};
	const served = new Map<string, number>();
	let champion: ServingModel | null = null;
	let lastLearned: ReturnType<typeof runNight>["learned"] = null;
	let lastFixed: { pair: NonNullable<ReturnType<typeof fitPair>>; through: string } | null = null;
	const fullIndex = new Map(series.map((s) => [s.card_id, s]));
	const folds: FoldMemo = new Map();
	for (let night = from; night <= to; night = addDays(night, every)) {
		const known = asOf(series, night);
		const market = emptyMarketTally();
		const table = joinMarket(buildTable(known, { asOf: night, horizon, rules, market }), marketTable(market));
		const fitRows: number[] = [];
		for (let i = 0; i < table.date.length; i++) if (!held.has(table.set_name[i] as string)) fitRows.push(i);
		const fitTable = holdout > 0 ? selectRows(table, fitRows) : table;
		const championModel: ChampionModel | null = champion
			? champion.kind === "learned"
				? { version: `night-${champion.model.trained_through}`, model: champion.model }
				: { version: champion.id, rule: champion.rule }
			: null;
		const result = runNight(fitTable, dataFrom, night, championModel, options, folds);
		const through = addDays(night, -horizon.days);
		const fixedPair = fixedPolicy
			? fitPair(fitTable, trainingRows(fitTable, through, options.minPrice), options.gbt)
			: null;
		if (fixedPair) lastFixed = { pair: fixedPair, through };
		if (result.promoted) champion = result.promoted;
		else if (result.retired) champion = { kind: "rule", id: "hold", rule: { rule: "hold" } };
		if (result.learned) lastLearned = result.learned;
		const servedNow: ServingModel = champion ?? { kind: "rule", id: "hold", rule: { rule: "hold" } };
		served.set(servedNow.id, (served.get(servedNow.id) ?? 0) + 1);
		// Tonight's answers for the cards scored, each judged by what its price did afterwards.
		const x = new Float32Array(FEATURES.length);
		for (let i = 0; i < table.date.length; i++) {
			if (table.date[i] !== night || !(holdout === 0 || held.has(table.set_name[i] as string))) continue;
			const price = table.price[i] as number;
			if (price < scoreMinPrice || price < config.SIGNAL_MIN_PRICE) continue;
			const full = fullIndex.get(table.card_id[i] as string) as CardSeries;
			const outcome = outcomeAt(full.dates, full.prices, full.dates.indexOf(night), horizon, dataEnd);
			if (outcome === null) continue;
			for (const [k, rule] of rules.entries())
				tallyDay(tally(ruleId(rule)), {
					signal: signalOfCode(table.rule_signal[k]?.[i] as number),
					outcome,
					fair: table.rule_fair[k]?.[i] ?? null,
					later: laterOf(full, night),
				});
			rowFeatures(table, i, x);
			if (fixedPair && fixedPolicy) {
				const a = answerOf(
					predictGbt(fixedPair.direction, x),
					fixedPair.base_up,
					predictGbt(fixedPair.move, x),
					price,
					{
						policy: fixedPolicy,
						min_price: options.minPrice,
						move_size: horizon.move,
						horizon_days: horizon.days,
					},
				);
				tallyDay(tally(fixedName), {
					signal: a.signal,
					outcome,
					q_up: a.q_up,
					fair: a.fair,
					later: laterOf(full, night),
				});
			}
			if (result.learned) {
				const a = forecast(result.learned, x, price);
				tallyDay(tally("learned (every night it fits)"), {
					signal: a.signal,
					outcome,
					q_up: a.q_up,
					fair: a.fair,
					later: laterOf(full, night),
				});
			}
			if (servedNow.kind === "learned") {
				const a = forecast(servedNow.model, x, price);
				tallyDay(tally("served (gated)"), {
					signal: a.signal,
					outcome,
					q_up: a.q_up,
					fair: a.fair,
					later: laterOf(full, night),
				});
			} else {
				const k = rules.findIndex((r) => ruleId(r) === servedNow.id);
				tallyDay(tally("served (gated)"), {
					signal: signalOfCode(table.rule_signal[k]?.[i] ?? 0),
					outcome,
					fair: table.rule_fair[k]?.[i] ?? null,
					later: laterOf(full, night),
				});
			}
		}
		const v = result.verdict;
		console.log(
			`  ${night}: ${
				result.windows
					? `${result.learned ? "learned fitted" : "learned not fitted"},  challenger ${v?.challenger ?? "none"} ${
							v?.passed
								? "promoted"
								: `kept champion (${v?.checks
										.filter((c) => !c.passed)
										.map((c) => c.detail)
										.join("; ")})`
						}`
					: "too little history for a validation window"
			}; serving ${servedNow.id}`,
		);
	}

	const metrics = [...tallies.entries()].map(([name, t]) => ({ name, metrics: metricsOf(t) }));
	metrics.sort((a, b) => {
		const order = (n: string) =>
			n.startsWith("served") ? 0 : n.startsWith("learned (") ? 1 : n.startsWith("learned") ? 2 : 3;
		return order(a.name) - order(b.name) || (b.metrics.pooled_edge ?? -9) - (a.metrics.pooled_edge ?? -9);
	});
	console.log(
		`\n${"".padEnd(34)} ${"BUY signals decided  right  prec.  base    edge".padStart(44)} | ${"SELL signals decided  right  prec.  base    edge".padStart(45)} | ${"pooled  rate  brier  MAPE"}`,
	);
	for (const m of metrics) console.log(row(m.name, m.metrics));
	console.log(`\nnights served by: ${[...served.entries()].map(([id, n]) => `${id} ${n}`).join(", ")}`);
	const top = (label: string, gbt: Parameters<typeof featureGains>[0]) =>
		console.log(
			`${label}: ${featureGains(gbt, FEATURES)
				.slice(0, 8)
				.map((f) => `${f.feature} ${f.gain.toFixed(0)}`)
				.join(", ")}`,
		);
	if (lastFixed) {
		console.log(
			`\nthe last fixed-policy fit (fitted through ${lastFixed.through}, ${lastFixed.pair.rows} rows, ${lastFixed.pair.decided} decided), largest splits by loss reduction:`,
		);
		top("  direction", lastFixed.pair.direction);
		top("  move", lastFixed.pair.move);
	}
	if (lastLearned) {
		console.log(
			`\nthe last learned model (fitted through ${lastLearned.trained_through}, ${lastLearned.rows} rows, ${lastLearned.decided} decided), largest splits by loss reduction:`,
		);
		top("  direction", lastLearned.direction);
		top("  move", lastLearned.move);
		console.log(
			`  policy: ${JSON.stringify(lastLearned.policy)}, base_up ${lastLearned.base_up.toFixed(3)}, calibration ${JSON.stringify(lastLearned.calibration)}`,
		);
	}
	if (values.json)
		await writeFile(values.json, JSON.stringify({ metrics, served: Object.fromEntries(served) }, null, 2));
	return 0;
}

await runCli(main);
