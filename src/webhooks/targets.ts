/**
 * Where a webhook may be sent: `https://` to a public host. Refused: other schemes, credentials
 * in the URL, `localhost` and single-label names, and IP literals in private, loopback,
 * link-local, CGNAT, unique-local, multicast or reserved ranges. With `allowLoopback` (local
 * development and tests only) `http://` or `https://` to a loopback host is accepted too.
 */

/** The verdict on a target URL. */
export type TargetVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** IPv4 ranges no webhook may target: [first octets as a number, prefix length, what it is]. */
const V4_BLOCKED: [number, number, string][] = [
	[0x00000000, 8, "a 'this network' address"],
	[0x0a000000, 8, "a private address"],
	[0x64400000, 10, "a carrier-grade NAT address"],
	[0x7f000000, 8, "a loopback address"],
	[0xa9fe0000, 16, "a link-local address"],
	[0xac100000, 12, "a private address"],
	[0xc0000000, 24, "an IETF protocol address"],
	[0xc0000200, 24, "a documentation address"],
	[0xc0a80000, 16, "a private address"],
	[0xc6120000, 15, "a benchmarking address"],
	[0xc6336400, 24, "a documentation address"],
	[0xcb007100, 24, "a documentation address"],
	[0xe0000000, 4, "a multicast address"],
	[0xf0000000, 4, "a reserved address"],
];

/** The 32-bit value of a dotted IPv4 literal, or null. */
export function parseIpv4(host: string): number | null {
	const parts = host.split(".");
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
	return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/**
 * The eight 16-bit groups of an IPv6 literal (without brackets), or null. Hosts come from `URL`,
 * which always writes IPv6 in hex groups (an embedded dotted IPv4 becomes two groups).
 */
export function parseIpv6(host: string): number[] | null {
	const halves = host.split("::");
	if (halves.length > 2) return null;
	const group = (s: string) => (s === "" ? [] : s.split(":"));
	const head = group(halves[0] as string);
	const rest = halves.length === 2 ? group(halves[1] as string) : [];
	if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
	const missing = 8 - head.length - rest.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
	return [
		...head.map((g) => Number.parseInt(g, 16)),
		...Array<number>(halves.length === 2 ? missing : 0).fill(0),
		...rest.map((g) => Number.parseInt(g, 16)),
	];
}

/** Why an IPv4 address may not be targeted, or null when it is public. */
function v4Blocked(value: number): string | null {
	for (const [base, bits, what] of V4_BLOCKED) {
		const size = 2 ** (32 - bits);
		if (value >= base && value < base + size) return what;
	}
	return value === 0xffffffff ? "the broadcast address" : null;
}

/** Why an IPv6 address may not be targeted, or null when it is public. */
function v6Blocked(g: number[]): string | null {
	const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, i = 0] = g;
	if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && h === 0)
		return i === 1 ? "a loopback address" : "the unspecified address";
	// IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judged by the IPv4 inside.
	if ((a | b | c | d | e) === 0 && f === 0xffff) return v4Blocked(h * 65536 + i);
	if (a === 0x64 && b === 0xff9b && (c | d | e | f) === 0) return v4Blocked(h * 65536 + i);
	if ((a & 0xfe00) === 0xfc00) return "a unique-local address";
	if ((a & 0xffc0) === 0xfe80) return "a link-local address";
	if ((a & 0xff00) === 0xff00) return "a multicast address";
	if (a === 0x2001 && b === 0x0db8) return "a documentation address";
	return null;
}

/** Whether a URL's host is a loopback host (what `allowLoopback` opens). */
function isLoopback(host: string): boolean {
	if (host === "localhost" || host.endsWith(".localhost")) return true;
	const v4 = parseIpv4(host);
	if (v4 !== null) return v4 >= 0x7f000000 && v4 < 0x80000000;
	return host === "[::1]";
}

/** The verdict on `raw` as a webhook target. */
export function checkTarget(raw: string, options: { allowLoopback: boolean }): TargetVerdict {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { ok: false, reason: "must be an absolute URL" };
	}
	const host = url.hostname.toLowerCase();
	if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must be an https:// URL" };
	if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
	if (options.allowLoopback && isLoopback(host)) return { ok: true, url };
	if (url.protocol !== "https:") return { ok: false, reason: "must be an https:// URL" };
	if (host === "localhost" || host.endsWith(".localhost")) return { ok: false, reason: "must not be localhost" };
	if (host.startsWith("[")) {
		const groups = parseIpv6(host.slice(1, -1));
		if (!groups) return { ok: false, reason: "has an invalid IPv6 host" };
		const why = v6Blocked(groups);
		return why ? { ok: false, reason: `must be a public host (${host} is ${why})` } : { ok: true, url };
	}
	const v4 = parseIpv4(host);
	if (v4 !== null) {
		const why = v4Blocked(v4);
		return why ? { ok: false, reason: `must be a public host (${host} is ${why})` } : { ok: true, url };
	}
	if (!host.includes(".") || host.endsWith("."))
		return { ok: false, reason: "must be a fully qualified public host name" };
	if (/\.(local|internal|lan|home\.arpa)$/.test(host)) return { ok: false, reason: "must be a public host name" };
	return { ok: true, url };
}
