/**
 * Purged walk-forward windows. Of the days whose outcome is known by as-of (their horizon ends
 * on or before it), the latest are judged: first the selection window (where the signal policy
 * and the calibration are chosen), then the validation window (where the gate compares
 * candidates). The judged days are cut into folds; each fold is judged by a model fitted only
 * on days whose label window (day, day + horizon] ends before the fold starts, so no training
 * row's outcome reaches into the window it is judged on. Pure calendar arithmetic.
 */
import { addDays, daysBetween, earlierDate, laterDate } from "./dates";

/** A date range, both ends included. */
export type Span = { from: string; to: string };

/** One fold: the days it judges and the last day its model may be fitted on. */
export type Fold = { judged: Span; train_through: string };

/** A run's windows. */
export type WalkForward = {
	selection: Span;
	validation: Span;
	folds: Fold[];
	/** The last day the final (served) model is fitted on: as-of minus the horizon. */
	train_through: string;
};

/** What shapes the windows. */
export type WindowOptions = {
	horizonDays: number;
	selectionDays: number;
	validationDays: number;
	/** Days judged by one fold's model (shorter folds judge days nearer to their fit, as serving does). */
	foldDays: number;
	/** At most this many folds in all; folds grow longer past it. */
	maxFolds: number;
	/** Days of training history the first fold needs. */
	minTrainDays: number;
};

/**
 * The windows for data from `dataFrom` to `asOf`, or null when there is too little history for
 * a purged selection and validation window (at least one day each).
 */
export function walkForward(dataFrom: string, asOf: string, o: WindowOptions): WalkForward | null {
	const lastKnown = addDays(asOf, -o.horizonDays);
	// The first fold's model needs minTrainDays of days, then the purge gap.
	const earliest = addDays(dataFrom, o.minTrainDays - 1 + o.horizonDays + 1);
	const wanted = addDays(lastKnown, -(o.selectionDays + o.validationDays) + 1);
	const from = laterDate(wanted, earliest);
	const span = daysBetween(from, lastKnown) + 1;
	if (span < 2) return null;
	const validationDays = Math.max(
		1,
		Math.min(span - 1, Math.round((span * o.validationDays) / (o.selectionDays + o.validationDays))),
	);
	const selectionDays = span - validationDays;
	const selection = { from, to: addDays(from, selectionDays - 1) };
	const validation = { from: addDays(selection.to, 1), to: lastKnown };
	return { selection, validation, folds: anchoredFolds({ from, to: lastKnown }, o), train_through: lastKnown };
}

/**
 * Cuts the judged days into folds whose boundaries sit on fixed calendar days (every
 * `foldDays` days since 1970-01-01, longer when the span would need more than `maxFolds`), so
 * consecutive nights share every fold but the first and the last: a fold that judged the same
 * days from the same training days fits the same model, and the step cache reuses it.
 */
export function anchoredFolds(span: Span, o: Pick<WindowOptions, "foldDays" | "maxFolds" | "horizonDays">): Fold[] {
	const days = daysBetween(span.from, span.to) + 1;
	let length = o.foldDays;
	while (Math.ceil(days / length) + 1 > o.maxFolds) length *= 2;
	const folds: Fold[] = [];
	let from = span.from;
	while (from <= span.to) {
		const offset = daysBetween("1970-01-01", from) % length;
		const end = addDays(from, length - offset - 1);
		const judged = { from, to: earlierDate(end, span.to) };
		folds.push({ judged, train_through: addDays(judged.from, -o.horizonDays - 1) });
		from = addDays(judged.to, 1);
	}
	return folds;
}

/** Whether `date` lies in `span`. */
export const inSpan = (date: string, span: Span) => date >= span.from && date <= span.to;
