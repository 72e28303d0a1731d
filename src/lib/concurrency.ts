/** Bounded concurrency for I/O fan-out inside one step. */

/**
 * Calls `fn` on every item with at most `limit` calls in flight, in order of the items, and
 * resolves when all are done (rejects with the first failure, after the calls in flight settle).
 */
export async function forEachLimit<T>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
	let next = 0;
	let failure: { error: unknown } | null = null;
	const lane = async () => {
		while (failure === null && next < items.length) {
			const index = next++;
			try {
				await fn(items[index] as T, index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
	if (failure !== null) throw (failure as { error: unknown }).error;
}
