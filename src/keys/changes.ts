import type { KeyPatch, KeyRecord, KeyRefusal } from "./types";

/** Why a record cannot be used right now, or null when it can. */
export function recordState(record: KeyRecord, now: Date): "revoked" | "expired" | null {
	const t = now.toISOString();
	if (record.revoked_at && record.revoked_at <= t) return "revoked";
	if (record.grace_until && record.grace_until <= t) return "revoked";
	if (record.expires_at && record.expires_at <= t) return "expired";
	return null;
}

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
