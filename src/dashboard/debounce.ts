/** Waiting for typing to pause before acting on it. */

/** The timers a debounce uses (the browser's by default; a test passes its own). */
export type Timers = {
	set: (run: () => void, ms: number) => unknown;
	clear: (handle: unknown) => void;
};

const BROWSER_TIMERS: Timers = {
	set: (run, ms) => setTimeout(run, ms),
	clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A debounced action: `schedule` runs it once `ms` pass without another call, `now` at once, `cancel` not at all. */
export type Debounced = {
	schedule(): void;
	now(): void;
	cancel(): void;
	readonly pending: boolean;
};

/** Debounces `run`: a burst of `schedule()` calls runs it once, `ms` after the last of them. */
export function debounce(run: () => void, ms: number, timers: Timers = BROWSER_TIMERS): Debounced {
	let handle: unknown = null;
	const cancel = () => {
		if (handle !== null) timers.clear(handle);
		handle = null;
	};
	return {
		schedule() {
			cancel();
			handle = timers.set(() => {
				handle = null;
				run();
			}, ms);
		},
		now() {
			cancel();
			run();
		},
		cancel,
		get pending() {
			return handle !== null;
		},
	};
}
