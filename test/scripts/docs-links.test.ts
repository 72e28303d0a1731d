import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/local";

// Every relative link of the README and the docs resolves: the file exists and, where the link
// names a heading (`#anchor`), the file has that heading (GitHub's anchors).

const DOCS = async () => [
	"README.md",
	"MODEL.md",
	"BENCHMARKS.md",
	...(await readdir(join(ROOT, "docs"))).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
];

/** The text outside code fences and inline code. */
function prose(markdown: string): string {
	let fenced = false;
	return markdown
		.split("\n")
		.map((line) => {
			if (line.startsWith("```")) {
				fenced = !fenced;
				return "";
			}
			return fenced ? "" : line.replace(/`[^`]*`/g, "");
		})
		.join("\n");
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const out = new Set<string>();
	let fenced = false;
	for (const line of markdown.split("\n")) {
		if (line.startsWith("```")) fenced = !fenced;
		const m = fenced ? null : /^#{1,6} (.+)$/.exec(line);
		if (!m) continue;
		const base = (m[1] as string)
			.trim()
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\- _]/gu, "")
			.replace(/ /g, "-");
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		out.add(n === 0 ? base : `${base}-${n}`);
	}
	return out;
}

describe("the documentation's links", () => {
	it("resolve: every relative link names a file that exists, and a heading it has", async () => {
		const broken: string[] = [];
		let checked = 0;
		for (const doc of await DOCS()) {
			const text = await readFile(join(ROOT, doc), "utf8");
			for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
				if (/^[a-z]+:/i.test(target as string)) continue;
				checked++;
				const [path, anchor] = (target as string).split("#") as [string, string | undefined];
				const file = path === "" ? join(ROOT, doc) : join(ROOT, dirname(doc), path);
				if (!existsSync(file)) {
					broken.push(`${doc}: ${target} (no file ${relative(ROOT, file)})`);
					continue;
				}
				if (anchor && file.endsWith(".md") && !anchorsOf(await readFile(file, "utf8")).has(anchor))
					broken.push(`${doc}: ${target} (no heading #${anchor})`);
			}
		}
		expect(broken).toEqual([]);
		expect(checked).toBeGreaterThan(50);
	});

	it("keep the README to a first visit (about 250 lines), with a map of every page in docs/", async () => {
		const readme = await readFile(join(ROOT, "README.md"), "utf8");
		expect(readme.split("\n").length).toBeLessThanOrEqual(260);
		for (const doc of (await DOCS()).filter((d) => d.startsWith("docs/"))) expect(readme, doc).toContain(`](${doc})`);
	});

	it("computes GitHub's anchors", () => {
		expect([
			...anchorsOf("# The API\n## Lists, operation ids and a typed client\n## R2 (`ARCHIVE`)\n## Steps\n## Steps"),
		]).toEqual(["the-api", "lists-operation-ids-and-a-typed-client", "r2-archive", "steps", "steps-1"]);
	});
});
