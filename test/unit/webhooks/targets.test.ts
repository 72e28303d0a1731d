import { describe, expect, it } from "vitest";
import { checkTarget, parseIpv4, parseIpv6 } from "../../../src/webhooks/targets";

const strict = { allowLoopback: false };
const local = { allowLoopback: true };
const reason = (url: string, options = strict) => {
	const v = checkTarget(url, options);
	return v.ok ? null : v.reason;
};

describe("the webhook target policy", () => {
	it.each([
		"https://hooks.example.com/pokewatch",
		"https://hooks.example.com:8443/x?y=1",
		"https://8.8.8.8/x",
		"https://172.32.0.1/x",
		"https://100.128.0.1/x",
		"https://[2606:4700::1111]/x",
	])("accepts %s", (url) => {
		expect(reason(url)).toBeNull();
	});

	it.each([
		["http://hooks.example.com/x", "must be an https:// URL"],
		["ws://hooks.example.com/x", "must be an https:// URL"],
		["nope", "must be an absolute URL"],
		["https://a:b@hooks.example.com/x", "must not carry credentials"],
		["https://localhost/x", "must not be localhost"],
		["https://api.localhost/x", "must not be localhost"],
		["https://intranet/x", "must be a fully qualified public host name"],
		["https://printer.local/x", "must be a public host name"],
		["https://db.internal/x", "must be a public host name"],
		["https://127.0.0.1/x", "must be a public host (127.0.0.1 is a loopback address)"],
		["https://0x7f.1/x", "must be a public host (127.0.0.1 is a loopback address)"],
		["https://10.0.0.1/x", "must be a public host (10.0.0.1 is a private address)"],
		["https://172.16.5.4/x", "must be a public host (172.16.5.4 is a private address)"],
		["https://172.31.255.255/x", "must be a public host (172.31.255.255 is a private address)"],
		["https://192.168.1.1/x", "must be a public host (192.168.1.1 is a private address)"],
		["https://169.254.169.254/x", "must be a public host (169.254.169.254 is a link-local address)"],
		["https://100.64.0.1/x", "must be a public host (100.64.0.1 is a carrier-grade NAT address)"],
		["https://100.127.255.255/x", "must be a public host (100.127.255.255 is a carrier-grade NAT address)"],
		["https://0.0.0.0/x", "must be a public host (0.0.0.0 is a 'this network' address)"],
		["https://224.0.0.1/x", "must be a public host (224.0.0.1 is a multicast address)"],
		["https://255.255.255.255/x", "must be a public host (255.255.255.255 is a reserved address)"],
		["https://[::1]/x", "must be a public host ([::1] is a loopback address)"],
		["https://[::]/x", "must be a public host ([::] is the unspecified address)"],
		["https://[fc00::1]/x", "must be a public host ([fc00::1] is a unique-local address)"],
		["https://[fd12:3456::1]/x", "must be a public host ([fd12:3456::1] is a unique-local address)"],
		["https://[fe80::1]/x", "must be a public host ([fe80::1] is a link-local address)"],
		["https://[ff02::1]/x", "must be a public host ([ff02::1] is a multicast address)"],
		["https://[::ffff:10.0.0.1]/x", "must be a public host ([::ffff:a00:1] is a private address)"],
		["https://[64:ff9b::7f00:1]/x", "must be a public host ([64:ff9b::7f00:1] is a loopback address)"],
	])("refuses %s: %s", (url, why) => {
		expect(reason(url)).toBe(why);
	});

	it("with allowLoopback accepts http and https to loopback hosts only", () => {
		for (const url of ["http://127.0.0.1:8787/h", "http://127.1.2.3/h", "http://localhost:3000/h", "https://[::1]/h"])
			expect(reason(url, local)).toBeNull();
		expect(reason("http://10.0.0.1/h", local)).toBe("must be an https:// URL");
		expect(reason("https://192.168.1.1/h", local)).toMatch(/private address/);
		expect(reason("http://hooks.example.com/h", local)).toBe("must be an https:// URL");
	});

	it("parses IPv4 and IPv6 literals", () => {
		expect(parseIpv4("192.168.1.2")).toBe(0xc0a80102);
		expect(parseIpv4("256.1.1.1")).toBeNull();
		expect(parseIpv4("example.com")).toBeNull();
		expect(parseIpv6("fe80::1")).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(parseIpv6("1::2::3")).toBeNull();
		expect(parseIpv6("1:2:3")).toBeNull();
	});
});
