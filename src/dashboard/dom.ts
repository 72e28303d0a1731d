/** A few DOM helpers. Text always goes in as text nodes (never HTML), and no inline styles: the page runs under a strict CSP. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Creates an element with attributes (`class`, `aria-*`, `data-*`, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attrs: Attrs = {},
	...children: Child[]
): HTMLElementTagNameMap[K] {
	const el = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs)) {
		if (value === false || value === null || value === undefined) continue;
		el.setAttribute(name, value === true ? "" : String(value));
	}
	append(el, children);
	return el;
}

/** Appends children, skipping empty ones. */
export function append(el: Element, children: Child[]): void {
	for (const child of children) {
		if (child === null || child === undefined || child === false) continue;
		el.append(child instanceof Node ? child : String(child));
	}
}

/** The element with this id, which the page's HTML must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
	const el = document.getElementById(id);
	if (!el) throw new Error(`the page has no #${id}`);
	return el as T;
}

/** A badge for a signal, status or alias; `tone` picks its colour class. */
export const badge = (text: string, tone: string) => h("span", { class: `badge badge-${tone}` }, text);

/** The badge tone of a signal. */
export const signalTone = (signal: unknown) =>
	signal === "BUY" ? "buy" : signal === "SELL" ? "sell" : signal === "HOLD" ? "hold" : "muted";

/** The badge tone of a run status. */
export const statusTone = (status: unknown) =>
	({ complete: "ok", running: "info", queued: "muted", rejected: "warn", failed: "bad" })[String(status)] ?? "muted";

/** Sets a panel's message line (empty hides it); `tone` is "info", "warn" or "error". */
export function setMessage(el: HTMLElement, text: string, tone: "info" | "warn" | "error" = "info"): void {
	el.textContent = text;
	el.hidden = text === "";
	el.dataset.tone = tone;
}

/** Marks the row whose `data-<attr>` is `id` as selected (class and aria-pressed), in place so focus stays put. */
export function markSelected(tbody: HTMLTableSectionElement, attr: string, id: string | null): void {
	for (const row of Array.from(tbody.rows)) {
		const on = row.getAttribute(`data-${attr}`) === id;
		row.classList.toggle("selected", on);
		row.querySelector("button.row-button")?.setAttribute("aria-pressed", on ? "true" : "false");
	}
}
