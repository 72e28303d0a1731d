/** A size-bounded least-recently-used map: the in-isolate memo never grows past `capacity`. */
export class Lru<K, V> {
	readonly #map = new Map<K, V>();
	constructor(readonly capacity: number) {}

	get(key: K): V | undefined {
		const value = this.#map.get(key);
		if (value !== undefined || this.#map.has(key)) {
			this.#map.delete(key);
			this.#map.set(key, value as V);
		}
		return value;
	}

	has(key: K): boolean {
		return this.#map.has(key);
	}

	set(key: K, value: V): void {
		this.#map.delete(key);
		this.#map.set(key, value);
		while (this.#map.size > this.capacity) {
			const oldest = this.#map.keys().next().value as K;
			this.#map.delete(oldest);
		}
	}

	delete(key: K): void {
		this.#map.delete(key);
	}

	clear(): void {
		this.#map.clear();
	}

	get size(): number {
		return this.#map.size;
	}
}
