/** Display formatting for the dashboard: every formatter answers "—" for a missing or malformed value. */

/** What the page shows for a value the API did not give. */
export const DASH = "—";

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A price with two decimals and thousands separators (`1,012.89`). */
export function fmtPrice(v: unknown): string {
	return isNum(v) ? v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : DASH;
}

/** A fraction as a percentage (`0.0137` → `1.37 %`); `signed` adds `+` to positive values. */
export function fmtPct(v: unknown, options: { signed?: boolean; digits?: number } = {}): string {
	if (!isNum(v)) return DASH;
	const text = (v * 100).toFixed(options.digits ?? 2);
	return `${options.signed && v > 0 ? "+" : ""}${text}\u00a0%`; // no line break inside "1.36 %"
}

/** A change over a few days, signed with one decimal (`+4.2 %`, `-0.8 %`); "—" when there was no price back then. */
export const fmtChange = (v: unknown) => fmtPct(v, { signed: true, digits: 1 });

/**
 * The chances of a first move up and down within the horizon: `↑62 % ↓8 %`, or in `words`
 * `P(up) 62 % · P(down) 8 %`. A rule has none: "—".
 */
export function fmtChances(p: { p_up?: number | null; p_down?: number | null }, words = false): string {
	if (!isNum(p.p_up) && !isNum(p.p_down)) return DASH;
	const up = fmtPct(p.p_up, { digits: 0 });
	const down = fmtPct(p.p_down, { digits: 0 });
	return words ? `P(up) ${up} · P(down) ${down}` : `↑${up} ↓${down}`;
}

/** A plain number (`0.1803` with 4 digits; integers with separators). */
export function fmtNum(v: unknown, digits = 4): string {
	if (!isNum(v)) return DASH;
	return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(digits);
}

/** A text value, or "—". */
export function fmtText(v: unknown): string {
	return typeof v === "string" && v.trim() !== "" ? v : DASH;
}

/** An ISO timestamp as `2026-11-27 05:10 UTC`. */
export function fmtDateTime(v: unknown): string {
	if (typeof v !== "string") return DASH;
	const d = new Date(v);
	if (Number.isNaN(d.getTime())) return DASH;
	return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The time between two ISO timestamps (`0.6 s`, `4 min 12 s`, `1 h 3 min`). */
export function fmtDuration(from: unknown, to: unknown): string {
	if (typeof from !== "string" || typeof to !== "string") return DASH;
	const ms = Date.parse(to) - Date.parse(from);
	if (!Number.isFinite(ms) || ms < 0) return DASH;
	if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
	const s = Math.round(ms / 1000);
	if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
	return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** An edge (a difference of two shares) in percentage points, signed (`+3.3 pp`, `-0.4 pp`). */
export function fmtEdge(v: unknown): string {
	if (!isNum(v)) return DASH;
	const fixed = (v * 100).toFixed(1);
	const text = fixed === "-0.0" ? "0.0" : fixed; // what rounds to nothing has no sign
	return `${v > 0 && text !== "0.0" ? "+" : ""}${text}\u00a0pp`;
}

const SPEC_KNOWN = new Set([
	"rule",
	"kind",
	"fair",
	"estimator",
	"window",
	"halflife",
	"threshold",
	"buy_threshold",
	"sell_threshold",
]);

/** An estimator in a few words: `rolling_median window 7`, `ewm half-life 3`. */
function estimatorWords(s: Record<string, unknown>): string[] {
	const parts: string[] = [];
	if (typeof s.estimator === "string") parts.push(s.estimator);
	if (isNum(s.window)) parts.push(`window ${s.window}`);
	if (isNum(s.halflife)) parts.push(`half-life ${s.halflife}`);
	return parts;
}

/**
 * A model spec in a few words: a rule (`always HOLD`, `momentum · 7 days · ±10 %`,
 * `rolling_median · window 7 · BUY ≤ −5 % · SELL ≥ +5 %`) or a learned model's summary
 * (`learned · 31 features · horizon 7 d · move 5 %`). Other scalar fields are kept as they are.
 */
export function fmtSpec(spec: unknown): string {
	if (!spec || typeof spec !== "object") return DASH;
	const s = spec as Record<string, unknown>;
	if (s.rule === "hold") return "always HOLD";
	const parts: string[] = [];
	if (s.rule === "momentum") {
		parts.push("momentum");
		if (isNum(s.window)) parts.push(`${s.window} days`);
		if (isNum(s.threshold)) parts.push(`±${fmtPct(s.threshold, { digits: 0 })}`);
	} else if (s.fair && typeof s.fair === "object") parts.push(...estimatorWords(s.fair as Record<string, unknown>));
	else parts.push(...estimatorWords(s));
	if (s.kind === "learned") {
		parts.push("learned");
		if (isNum(s.features)) parts.push(`${s.features} features`);
	}
	if (isNum(s.buy_threshold)) parts.push(`BUY ≤ −${fmtPct(s.buy_threshold, { digits: 0 })}`);
	if (isNum(s.sell_threshold)) parts.push(`SELL ≥ +${fmtPct(s.sell_threshold, { digits: 0 })}`);
	if (isNum(s.horizon_days)) parts.push(`horizon ${s.horizon_days} d`);
	if (isNum(s.move)) parts.push(`move ${fmtPct(s.move, { digits: 0 })}`);
	const shown = new Set([...SPEC_KNOWN, "features", "horizon_days", "move"]);
	for (const [k, v] of Object.entries(s))
		if (!shown.has(k) && (typeof v === "string" || isNum(v)))
			parts.push(`${k.replaceAll("_", " ")} ${typeof v === "string" ? v : fmtNum(v)}`);
	return parts.length ? parts.join(" · ") : DASH;
}
