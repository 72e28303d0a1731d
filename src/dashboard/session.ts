/**
 * The operator's API key for this tab only: sessionStorage (gone when the tab closes), never
 * localStorage, cookies or the URL.
 */
const STORAGE_KEY = "pokewatch.apiKey";

/** The key saved in this tab, if any. */
export function savedKey(): string | null {
	try {
		return sessionStorage.getItem(STORAGE_KEY);
	} catch {
		return null; // storage disabled: the operator types the key again
	}
}

/** Keeps the key for this tab. */
export function saveKey(key: string): void {
	try {
		sessionStorage.setItem(STORAGE_KEY, key);
	} catch {
		// storage disabled: the key lives in memory until the page is left
	}
}

/** Forgets the key. */
export function forgetKey(): void {
	try {
		sessionStorage.removeItem(STORAGE_KEY);
	} catch {
		// nothing stored
	}
}

/** A key's recognisable start (`pk_live_Ab3d…`), as the API's own listings show it. */
export const keyPrefix = (key: string) => `${key.slice(0, key.indexOf("_", 3) + 5)}…`;
