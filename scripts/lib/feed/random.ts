/**
 * Seeded, stateless randomness for the synthetic feed: every draw is a hash of its coordinates
 * (seed, group, product, day…), so any group or day is generated alone, in any order, with the
 * same bytes every time.
 */

/** A 32-bit avalanche of one integer (murmur3's finaliser). */
function fmix(h: number): number {
	let x = h >>> 0;
	x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
	x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
	return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash of a list of integers (each folded in with a golden-ratio step). */
export function hash(...parts: number[]): number {
	let h = 0x2545f491;
	for (const p of parts) h = fmix(h ^ Math.imul((p | 0) + 0x9e3779b9, 0x27d4eb2f));
	return h;
}

/** A uniform draw on [0, 1) at these coordinates. */
export const unit = (...parts: number[]): number => hash(...parts) / 4_294_967_296;

/** A standard normal draw at these coordinates (Box-Muller over two independent uniforms). */
export function gauss(...parts: number[]): number {
	const h = hash(...parts);
	const u1 = (fmix(h ^ 0x68e31da4) + 1) / 4_294_967_297;
	const u2 = fmix(h ^ 0x1b56c4e9) / 4_294_967_296;
	return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** An integer draw in [0, n) at these coordinates. */
export const below = (n: number, ...parts: number[]): number => Math.floor(unit(...parts) * n);

/** One element of a non-empty list, drawn at these coordinates. */
export const pick = <T>(list: readonly T[], ...parts: number[]): T => list[below(list.length, ...parts)] as T;

/** Salts that keep one kind of draw independent of another at the same coordinates. */
export const SALT = {
	group: 1,
	groupSize: 2,
	product: 3,
	modified: 4,
	correction: 5,
	series: 6,
	change: 7,
	walk: 8,
	nulls: 9,
	spread: 10,
	stamp: 11,
} as const;
