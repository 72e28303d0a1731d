import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecret, sign } from "../../src/webhooks/signing";

// The two signature checks of docs/webhooks.md, run as printed (extracted from the code fence after each
// `<!-- webhook-verify: ... -->` marker) against payloads signed by the Worker's own code.

const ROOT = join(import.meta.dirname, "..", "..");

async function snippet(language: "node" | "python"): Promise<string> {
	const doc = await readFile(join(ROOT, "docs", "webhooks.md"), "utf8");
	const match = new RegExp(`<!-- webhook-verify: ${language} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(doc);
	if (!match) throw new Error(`docs/webhooks.md has no ${language} verification snippet`);
	return match[1] as string;
}

type Case = { secret: string; headers: Record<string, string>; body: string };

const NODE_HARNESS = `
let input = "";
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
console.log(JSON.stringify(cases.map((c) => verifyWebhook(c.secret, c.headers, c.body))));
`;

const PYTHON_HARNESS = `
import json, sys
cases = json.load(sys.stdin)
print(json.dumps([verify_webhook(c["secret"], c["headers"], c["body"].encode()) for c in cases]))
`;

function run(command: string, file: string, input: string): Promise<boolean[]> {
	return new Promise((resolve, reject) => {
		const child = execFile(command, [file], { timeout: 30_000 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`${command} failed: ${stderr || error.message}`));
			else resolve(JSON.parse(stdout) as boolean[]);
		});
		child.stdin?.end(input);
	});
}

let dir: string;
let cases: Case[];

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), "pokewatch-readme-"));
	const secret = generateSecret();
	const body = JSON.stringify({
		type: "signals.changed",
		data: { cards: [{ card_id: "sv03-223", name: "Charizard ex é" }] },
	});
	const now = Math.floor(Date.now() / 1000);
	const headers = async (id: string, ts: number, content: string, key = secret) => ({
		"webhook-id": id,
		"webhook-timestamp": String(ts),
		"webhook-signature": await sign(key, id, ts, content),
	});
	const good = await headers("msg_1", now, body);
	cases = [
		{ secret, headers: good, body },
		{ secret, headers: { ...good, "webhook-signature": `v1,AAAA ${good["webhook-signature"]}` }, body },
		{ secret, headers: good, body: body.replace("Charizard", "Blastoise") },
		{ secret, headers: { ...good, "webhook-id": "msg_2" }, body },
		{ secret: generateSecret(), headers: good, body },
		{ secret, headers: await headers("msg_1", now - 3600, body), body },
	];
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

const EXPECTED = [true, true, false, false, false, false];

describe("the README's webhook verification snippets", () => {
	it("the Node one accepts the signed payload and refuses tampered, foreign-key and stale ones", async () => {
		const file = join(dir, "verify.mjs");
		await writeFile(file, `${await snippet("node")}\n${NODE_HARNESS}`);
		expect(await run(process.execPath, file, JSON.stringify(cases))).toEqual(EXPECTED);
	});

	it("the Python one does the same", async () => {
		const file = join(dir, "verify.py");
		await writeFile(file, `${await snippet("python")}\n${PYTHON_HARNESS}`);
		expect(await run("python3", file, JSON.stringify(cases))).toEqual(EXPECTED);
	});
});
