/** The dashboard's state and how a failed call is reported, shared by the panels and the page's entry. */
import type { Api, CardRecord } from "./api";
import { ApiFailure } from "./api";
import { setMessage } from "./dom";
import type { Failure } from "./problems";
import type { CardHistory } from "./types";
import { el } from "./view";

/** What the page holds: the connection, what is selected, and what it has read. */
export const state = {
	api: null as Api | null,
	key: "",
	/** Bumped by every (re)load and disconnect: answers to an older one are dropped. */
	generation: 0,
	cardToken: 0,
	runToken: 0,
	recordToken: 0,
	card: null as string | null,
	run: null as string | null,
	/** What the catalogue was published with, the data's last day and the champion alias. */
	modelVersion: null as string | null,
	dataAsOf: null as string | null,
	champion: null as string | null,
	/** Read once per load: a card's history and its track record. */
	histories: new Map<string, CardHistory>(),
	records: new Map<string, CardRecord>(),
};

/** `1 run`, `2 runs`. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The Failure behind an error (an ApiFailure's, or an unexpected one). */
export const failureOf = (error: unknown): Failure =>
	error instanceof ApiFailure
		? error.failure
		: { kind: "other", status: 0, message: `Unexpected error: ${String(error)}` };

/** Shows a message in the banner at the top. */
export function showBanner(text: string, tone: "info" | "warn" | "error"): void {
	setMessage(el.banner, text, tone);
}

let onKeyRefused: (message: string) => void = () => {};

/** Registers what to do when the API refuses the key (401 or 403) on any call. */
export function whenKeyRefused(handler: (message: string) => void): void {
	onKeyRefused = handler;
}

/** Shows a failure in its panel; a refused key disconnects, a rate limit is also shown at the top. */
export function report(error: unknown, panel: HTMLElement): void {
	const failure = failureOf(error);
	if (failure.kind === "auth") {
		onKeyRefused(failure.message);
		return;
	}
	if (failure.kind === "rate_limited") showBanner(failure.message, "warn");
	setMessage(panel, failure.message, failure.kind === "no_model" ? "info" : "error");
}
