/**
 * The chart's marker series: the BUY and SELL days as small filled dots on the market price, and
 * the card's published answers as larger outlines whose shape and colour say how each turned out
 * (a green ring right, a red cross wrong, a grey square undecided, a dashed violet ring pending),
 * so an outline drawn round a dot still shows the dot. Drawn on the canvas; nothing here touches
 * an element's style attribute.
 */
import uPlot from "uplot";
import { fmtPrice, fmtText } from "./format";
import type { Marked } from "./record-marks";
import type { TrackRecordEntry } from "./types";

/** The colours of the chart (the legend's CSS draws the cross in the same red). */
export const COLORS = {
	market: "#2563eb",
	fair: "#d97706",
	buy: "#16a34a",
	sell: "#dc2626",
	right: "#15803d",
	wrong: "#b91c1c",
	undecided: "#64748b",
	pending: "#7c3aed",
};

type Shape = "ring" | "cross" | "square";

const SHAPES: Record<Marked, { label: string; shape: Shape; dash?: number[] }> = {
	right: { label: "Right call", shape: "ring" },
	wrong: { label: "Wrong call", shape: "cross" },
	undecided: { label: "Undecided", shape: "square" },
	pending: { label: "Pending", shape: "ring", dash: [3, 2] },
};

const trace: Record<Shape, (p: Path2D, x: number, y: number, r: number) => void> = {
	ring: (p, x, y, r) => {
		p.moveTo(x + r, y);
		p.arc(x, y, r, 0, Math.PI * 2);
	},
	square: (p, x, y, r) => p.rect(x - r, y - r, r * 2, r * 2),
	cross: (p, x, y, r) => {
		p.moveTo(x - r, y - r);
		p.lineTo(x + r, y + r);
		p.moveTo(x + r, y - r);
		p.lineTo(x - r, y + r);
	},
};

/** uPlot's points path builder for one shape, outlines only, at `size` CSS pixels. */
function outlines(shape: Shape, size: number): uPlot.Series.Points.PathBuilder {
	return (u, si, i0, i1) => {
		const xs = u.data[0] as readonly number[];
		const ys = u.data[si] as readonly (number | null | undefined)[];
		const r = (size / 2) * uPlot.pxRatio;
		const path = new Path2D();
		for (let i = i0; i <= i1; i++) {
			const v = ys[i];
			const t = xs[i];
			if (v === null || v === undefined || t === undefined) continue;
			trace[shape](path, u.valToPos(t, "x", true), u.valToPos(v, "y", true), r);
		}
		const { left, top, width, height } = u.bbox;
		const clip = new Path2D();
		clip.rect(left - 2 * r, top - 2 * r, width + 4 * r, height + 4 * r);
		return { stroke: path, fill: null, clip, flags: 3 }; // 3: clip both the fill and the stroke
	};
}

const price = (_u: uPlot, v: number | null) => (v === null ? "—" : fmtPrice(v));

/** A BUY or SELL day: a small filled dot on the market price. */
export const dayMarkers = (label: string, color: string): uPlot.Series => ({
	label,
	stroke: color,
	fill: color,
	paths: () => null,
	points: { show: true, size: 6, width: 1, stroke: "#ffffff", fill: color },
	value: price,
});

/** The series of the published answers with one verdict; the legend shows the answer under the cursor. */
export function answerMarkers(verdict: Marked, at: readonly (TrackRecordEntry | null)[]): uPlot.Series {
	const { label, shape, dash } = SHAPES[verdict];
	const color = COLORS[verdict];
	return {
		label,
		class: `mark-${verdict}`,
		stroke: color,
		paths: () => null,
		points: {
			show: true,
			size: 15,
			width: 2,
			stroke: color,
			fill: "transparent",
			paths: outlines(shape, 15),
			...(dash ? { dash } : {}),
		},
		value: (_u, v, _si, idx) =>
			v === null || idx === null
				? "—"
				: `${fmtText(at[idx]?.signal)} ${fmtPrice(v)} (run ${fmtText(at[idx]?.run_date)})`,
	};
}

/**
 * The legend's markers: uPlot's (a line's colour, a day's filled dot, an answer's outline),
 * dashed for pending, and no border for wrong, whose cross the stylesheet draws.
 */
export const legendMarkers: uPlot.Legend["markers"] = {
	dash: (u, i) => (u.series[i]?.class === "mark-pending" ? "dashed" : "solid"),
	width: (u, i) => (u.series[i]?.class === "mark-wrong" ? 0 : 2),
};
