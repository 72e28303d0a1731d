import { rowFacts } from "./cards";
import { badge, h, signalTone } from "./dom";
import { DASH, fmtChances, fmtChange, fmtPct, fmtPrice, fmtText } from "./format";
import type { CatalogueCard } from "./types";

const deviationClass = (v: unknown) => (typeof v === "number" && v !== 0 ? (v < 0 ? "neg" : "pos") : "");

/**
 * Fills the catalogue table (or, with `append`, adds to it): one row per card with its latest
 * market price, the model's expected price, the deviation, the change over 7 days (wide
 * screens), and the signal with the chances of a move up and down under it; the card's number and
 * printing go under its set; the signal's tooltip (and screen-reader text) gives the reason for a
 * HOLD. The card's name is a button (keyboard and screen readers); a click anywhere on the row
 * selects it too. On a phone the signal column folds into the card cell and the secondary
 * columns drop (CSS).
 */
export function renderCatalogue(
	tbody: HTMLTableSectionElement,
	cards: readonly CatalogueCard[],
	selected: string | null,
	onSelect: (card: CatalogueCard) => void,
	append = false,
): void {
	const rows = cards.map((card) => {
		const isSelected = card.card_id === selected;
		const signal = fmtText(card.latest_signal);
		const reason = typeof card.reason === "string" && card.reason ? card.reason : null;
		const chances = fmtChances(card);
		const facts = rowFacts(card);
		const button = h(
			"button",
			{ type: "button", class: "row-button", "aria-pressed": isSelected ? "true" : "false" },
			h(
				"span",
				{ class: "card-name" },
				h(
					"span",
					{
						class: `badge badge-${signalTone(card.latest_signal)} phone-only`,
						"aria-hidden": "true",
						title: reason,
					},
					signal,
				),
				fmtText(card.name ?? card.card_id),
			),
			h("span", { class: "sub" }, fmtText(card.set)),
			facts ? h("span", { class: "sub facts" }, facts) : null,
		);
		const row = h(
			"tr",
			{ class: isSelected ? "selected" : null, "data-card-id": card.card_id },
			h("th", { scope: "row" }, button),
			h("td", { class: "wide-only" }, fmtText(card.latest_date)),
			h("td", { class: "num" }, fmtPrice(card.latest_market_price)),
			h("td", { class: "num opt" }, fmtPrice(card.latest_fair_price)),
			h(
				"td",
				{ class: `num ${deviationClass(card.latest_deviation_pct)}` },
				fmtPct(card.latest_deviation_pct, { signed: true }),
			),
			h("td", { class: "num opt change" }, fmtChange(card.change_7d)),
			h(
				"td",
				{ class: "signal-col", title: reason },
				badge(signal, signalTone(card.latest_signal)),
				reason ? h("span", { class: "visually-hidden" }, `: ${reason}`) : null,
				chances === DASH
					? null
					: h("span", { class: "sub chances", title: "P(up) · P(down) within the horizon" }, chances),
			),
		);
		row.addEventListener("click", () => onSelect(card));
		return row;
	});
	if (append) tbody.append(...rows);
	else tbody.replaceChildren(...rows);
}
