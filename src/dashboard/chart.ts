import uPlot from "uplot";
import { fmtPrice } from "./format";
import type { ChartData } from "./series";

const COLORS = { market: "#2563eb", fair: "#d97706", buy: "#16a34a", sell: "#dc2626" };

let current: { plot: uPlot; observer: ResizeObserver } | null = null;

const heightFor = (width: number) => (width < 520 ? 230 : 340);
const price = (_u: uPlot, v: number | null) => (v === null ? "—" : fmtPrice(v));

/** A series drawn as markers only (no line), for the BUY and SELL days. */
const markers = (label: string, color: string): uPlot.Series => ({
	label,
	stroke: color,
	fill: color,
	paths: () => null,
	points: { show: true, size: 8, width: 1, stroke: "#ffffff", fill: color },
	value: price,
});

/** Removes the chart, if one is drawn. */
export function clearChart(): void {
	current?.observer.disconnect();
	current?.plot.destroy();
	current = null;
}

/**
 * Draws market price and fair value over time with the BUY and SELL days marked, filling
 * `container`'s width and following its size. Dates are UTC days.
 */
export function renderChart(container: HTMLElement, data: ChartData): void {
	clearChart();
	container.replaceChildren();
	const width = Math.max(260, container.clientWidth);
	const options: uPlot.Options = {
		width,
		height: heightFor(width),
		tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
		scales: { x: { time: true } },
		cursor: { drag: { x: true, y: false } },
		series: [
			{ label: "Date", value: "{YYYY}-{MM}-{DD}" },
			{ label: "Market price", stroke: COLORS.market, width: 1.5, value: price },
			{ label: "Fair value", stroke: COLORS.fair, width: 2, dash: [6, 4], value: price },
			markers("BUY day", COLORS.buy),
			markers("SELL day", COLORS.sell),
		],
		axes: [
			{ stroke: "#475569", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#cbd5e1" } },
			{
				stroke: "#475569",
				grid: { stroke: "#e2e8f0" },
				ticks: { stroke: "#cbd5e1" },
				size: 64,
				values: (_u, splits) => splits.map((v) => fmtPrice(v)),
			},
		],
	};
	const plot = new uPlot(options, [data.x, data.market, data.fair, data.buy, data.sell], container);
	// Follow the panel's width (rotation, window resize, the grid reflowing).
	const observer = new ResizeObserver(() => {
		const w = Math.max(260, container.clientWidth);
		if (w !== plot.width) plot.setSize({ width: w, height: heightFor(w) });
	});
	observer.observe(container);
	current = { plot, observer };
}
