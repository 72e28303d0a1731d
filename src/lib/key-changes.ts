import type { KeyRecord } from "./key-store";
import { recordState } from "./key-store";

/** A change to a key's limits, name or expiry (`PATCH /v1/admin/keys/{id}`); null clears. */
export type KeyPatch = {
	name?: string;
	limits?: {
		requests_per_minute?: number;
		burst?: number;
		requests_per_day?: number | null;
	};
	expires_at?: string | null;
};

/** Why a change was refused. */
export type KeyRefusal = "not_found" | "revoked" | "expired" | "rotated" | "exists";

/** The answer of every change: the record after it, or why it was refused. */
export type KeyChange =
	| { ok: true; record: KeyRecord; changed: boolean }
	| { ok: false; refusal: KeyRefusal; record?: KeyRecord };

/** The new record with the old one's revocation carried over: once revoked, always revoked. */
export function keepRevocation(previous: KeyRecord | undefined, next: KeyRecord): KeyRecord {
	if (!previous?.revoked_at || next.revoked_at === previous.revoked_at) return next;
	return { ...next, revoked_at: previous.revoked_at };
}

/** Why `record` may not be changed (rotated, patched) at `now`, or null when it may. */
export function changeRefusal(record: KeyRecord, now: Date): KeyRefusal | null {
	// A revoked_at in the future is still a revocation: nothing may change it.
	if (record.revoked_at) return "revoked";
	return recordState(record, now);
}

/** The record revoked at `at`; an already revoked record is returned as it is. */
export const revoked = (record: KeyRecord, at: Date): KeyRecord =>
	record.revoked_at ? record : { ...record, revoked_at: at.toISOString() };

/** The successor a rotation issues: the old key's name, scopes, limits and expiry, a new id and secret. */
export function successorOf(record: KeyRecord, successor: { id: string; prefix: string }, at: Date): KeyRecord {
	return {
		id: successor.id,
		name: record.name,
		prefix: successor.prefix,
		scopes: record.scopes,
		limits: record.limits,
		created_at: at.toISOString(),
		...(record.expires_at ? { expires_at: record.expires_at } : {}),
	};
}

/** The record with `patch` applied: given fields replace, null removes (the daily quota, the expiry). */
export function patched(record: KeyRecord, patch: KeyPatch): KeyRecord {
	const { requests_per_day, ...rest } = patch.limits ?? {};
	const limits = { ...record.limits, ...definedOnly(rest) };
	if (requests_per_day === null) delete limits.requests_per_day;
	else if (requests_per_day !== undefined) limits.requests_per_day = requests_per_day;
	const next: KeyRecord = { ...record, limits, ...(patch.name === undefined ? {} : { name: patch.name }) };
	if (patch.expires_at === null) delete next.expires_at;
	else if (patch.expires_at !== undefined) next.expires_at = patch.expires_at;
	return next;
}

const definedOnly = <T extends object>(o: T) =>
	Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The record as KV's read copy holds it: last use lives under `used:<id>`, written apart. */
export function readCopy(record: KeyRecord): KeyRecord {
	const { last_used_at: _lastUsed, ...copy } = record;
	return copy;
}
