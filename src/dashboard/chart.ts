import uPlot from "uplot";
import { answerMarkers, COLORS, dayMarkers, legendMarkers } from "./chart-marks";
import { fmtPrice } from "./format";
import { MARKED } from "./record-marks";
import type { ChartData } from "./series";

let current: { plot: uPlot; observer: ResizeObserver } | null = null;

const heightFor = (width: number) => (width < 520 ? 230 : 340);
const price = (_u: uPlot, v: number | null) => (v === null ? "—" : fmtPrice(v));

/** Removes the chart, if one is drawn. */
export function clearChart(): void {
	current?.observer.disconnect();
	current?.plot.destroy();
	current = null;
}

/**
 * Draws the market price and the model's expected price over time, the BUY and SELL days and
 * the card's published answers marked by outcome, filling `container`'s width and following
 * its size. Dates are UTC days.
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
			{ label: "Expected price", stroke: COLORS.fair, width: 2, dash: [6, 4], value: price },
			dayMarkers("BUY day", COLORS.buy),
			dayMarkers("SELL day", COLORS.sell),
			...MARKED.map((verdict) => answerMarkers(verdict, data.record.at)),
		],
		legend: { markers: legendMarkers },
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
	const columns: uPlot.AlignedData = [
		data.x,
		data.market,
		data.fair,
		data.buy,
		data.sell,
		...MARKED.map((verdict) => data.record[verdict]),
	];
	const plot = new uPlot(options, columns, container);
	// Follow the panel's width (rotation, window resize, the grid reflowing).
	const observer = new ResizeObserver(() => {
		const w = Math.max(260, container.clientWidth);
		if (w !== plot.width) plot.setSize({ width: w, height: heightFor(w) });
	});
	observer.observe(container);
	current = { plot, observer };
}
