/**
 * One scope of the feed host: the day it serves, its injected faults and its request log, and
 * the control endpoints that set them. Scopes let test files share one server without
 * sharing state; the unprefixed routes are the scope "default".
 */
import { z } from "zod";
import { isIsoDate } from "../../../src/model/card-series";
import { addDays } from "../../../src/model/dates";

/** An injected failure: the next `times` requests to exactly `path` (always, without it) answer `status`. */
export const FeedFault = z
	.object({
		path: z.string().startsWith("/"),
		status: z.number().int().min(200).max(599),
		times: z.number().int().positive().optional(),
		/** Wait this long before answering (for client timeouts). */
		delayMs: z.number().int().min(0).max(120_000).optional(),
		/** The body to send instead of the default JSON error (e.g. a broken file with status 200). */
		body: z.string().optional(),
	})
	.strict();
export type FeedFault = z.infer<typeof FeedFault>;

/** `POST /__control/day`. */
export const DayControl = z
	.object({
		day: z.string().refine(isIsoDate, "must be a YYYY-MM-DD date"),
		published: z.boolean().default(true),
	})
	.strict();

/** `POST /__control/faults`: a new fault list and/or the feed down altogether. */
export const FaultControl = z.object({ faults: z.array(FeedFault).optional(), down: z.boolean().optional() }).strict();

/** One request the scope answered (control requests are not logged). */
export type FeedRequest = { method: string; path: string; userAgent: string | null; at: string; status: number };

/** What a scope serves: `servedDay` is `day` once published, else the day before. */
export type DayState = { day: string; published: boolean; servedDay: string };

/** A control endpoint's answer. */
export type ControlAnswer = { status: number; body: unknown };

/** A scope's mutable state. */
export class HostScope {
	private day: string;
	private published = true;
	private faults: { fault: FeedFault; left: number | null }[] = [];
	down = false;
	readonly log: FeedRequest[] = [];

	constructor(day: string) {
		this.day = DayControl.parse({ day }).day;
	}

	/** Serve `day`; unpublished, the previous day's files and stamp, as the real feed before its 20:00 publish. */
	setDay(day: string, published = true): DayState {
		const parsed = DayControl.parse({ day, published });
		this.day = parsed.day;
		this.published = parsed.published;
		return this.state();
	}

	state(): DayState {
		return { day: this.day, published: this.published, servedDay: this.published ? this.day : addDays(this.day, -1) };
	}

	/** Replaces the fault list. */
	setFaults(faults: readonly FeedFault[]): void {
		this.faults = faults.map((f) => ({ fault: FeedFault.parse(f), left: f.times ?? null }));
	}

	/** The faults still armed, with the requests each has left. */
	armed(): FeedFault[] {
		return this.faults.map(({ fault, left }) => ({ ...fault, ...(left === null ? {} : { times: left }) }));
	}

	/** Clears the request log and the faults (the day stays). */
	reset(): void {
		this.log.length = 0;
		this.faults = [];
		this.down = false;
	}

	/** The fault a request to `path` meets, counting it down. */
	takeFault(path: string): FeedFault | null {
		const i = this.faults.findIndex((f) => f.fault.path === path);
		const entry = this.faults[i];
		if (!entry) return null;
		if (entry.left !== null && --entry.left <= 0) this.faults.splice(i, 1);
		return entry.fault;
	}

	/** Answers a control request (`/__control/<name>`), or null when there is no such endpoint. */
	control(method: string, name: string, body: unknown): ControlAnswer | null {
		const bad = (error: z.ZodError) => ({
			status: 400,
			body: {
				error: "bad control body",
				issues: error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`),
			},
		});
		const key = `${method} ${name}`;
		if (key === "GET day") return { status: 200, body: this.state() };
		if (key === "POST day") {
			const parsed = DayControl.safeParse(body);
			return parsed.success
				? { status: 200, body: this.setDay(parsed.data.day, parsed.data.published) }
				: bad(parsed.error);
		}
		if (key === "GET faults") return { status: 200, body: { faults: this.armed(), down: this.down } };
		if (key === "POST faults") {
			const parsed = FaultControl.safeParse(body);
			if (!parsed.success) return bad(parsed.error);
			if (parsed.data.faults) this.setFaults(parsed.data.faults);
			if (parsed.data.down !== undefined) this.down = parsed.data.down;
			return { status: 200, body: { faults: this.armed(), down: this.down } };
		}
		if (key === "GET requests") return { status: 200, body: this.log };
		if (key === "POST reset") {
			this.reset();
			return { status: 200, body: { reset: true } };
		}
		return ["day", "faults", "requests", "reset"].includes(name)
			? { status: 405, body: { error: `${key} is not allowed` } }
			: null;
	}
}
