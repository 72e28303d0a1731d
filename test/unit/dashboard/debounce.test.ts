import { describe, expect, it } from "vitest";
import { debounce, type Timers } from "../../../src/dashboard/debounce";

/** Timers run by hand: `tick(ms)` moves the clock and runs what falls due. */
function manualTimers() {
	let now = 0;
	let next = 0;
	const due = new Map<number, { at: number; run: () => void }>();
	const timers: Timers = {
		set: (run, ms) => {
			due.set(++next, { at: now + ms, run });
			return next;
		},
		clear: (handle) => {
			due.delete(handle as number);
		},
	};
	const tick = (ms: number) => {
		now += ms;
		for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at))
			if (t.at <= now) {
				due.delete(id);
				t.run();
			}
	};
	return { timers, tick, waiting: () => due.size };
}

describe("debounce", () => {
	it("runs once a burst of calls pauses for the delay, not before", () => {
		const { timers, tick } = manualTimers();
		let runs = 0;
		const typed = debounce(() => runs++, 300, timers);
		typed.schedule();
		tick(200);
		typed.schedule(); // another key: the wait starts again
		tick(299);
		expect(runs).toBe(0);
		expect(typed.pending).toBe(true);
		tick(1);
		expect(runs).toBe(1);
		expect(typed.pending).toBe(false);
		tick(1000);
		expect(runs).toBe(1);
	});

	it("runs at once on now() (Enter, a select) and drops the wait it replaces", () => {
		const { timers, tick, waiting } = manualTimers();
		let runs = 0;
		const typed = debounce(() => runs++, 300, timers);
		typed.schedule();
		typed.now();
		expect(runs).toBe(1);
		expect(waiting()).toBe(0);
		tick(300);
		expect(runs).toBe(1);
	});

	it("runs nothing after cancel()", () => {
		const { timers, tick } = manualTimers();
		let runs = 0;
		const typed = debounce(() => runs++, 300, timers);
		typed.schedule();
		typed.cancel();
		tick(1000);
		expect(runs).toBe(0);
		expect(typed.pending).toBe(false);
	});

	it("waits on the runtime's own timers by default", async () => {
		let runs = 0;
		const typed = debounce(() => runs++, 5);
		typed.schedule();
		typed.schedule();
		await new Promise((resolve) => setTimeout(resolve, 30));
		expect(runs).toBe(1);
	});
});
