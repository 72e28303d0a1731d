/**
 * A webhook receiver for the tests: a real HTTP server on 127.0.0.1, started once per `npm test`
 * (vitest globalSetup), that checks each delivery's Standard Webhooks signature with node:crypto
 * (independently of the Worker's signing code) and records it. Each hook (`/hooks/<name>`) can
 * be told which statuses to answer first (`plan`); a 3xx answer redirects to `/hooks/<name>-moved`.
 * Control endpoints: `POST /__control/hooks {name, secret, plan?, repeat?}`, `GET /__control/received?name=`.
 * Its origin reaches the tests through the WEBHOOK_TEST_RECEIVER binding (vitest.config.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";

declare module "vitest" {
	interface ProvidedContext {
		webhookReceiverPort: number;
	}
}

/** One request the receiver got. */
export type Received = {
	id: string | null;
	timestamp: string | null;
	signature: string | null;
	verified: boolean;
	body: string;
	answered: number;
};

type Hook = { secret: string | null; plan: number[]; repeat: number | null; received: Received[] };

/** The Standard Webhooks check: HMAC-SHA256 of "id.timestamp.body" with the base64 key after whsec_. */
function verified(secret: string | null, id: string, timestamp: string, signature: string, body: string) {
	if (!secret || !id || !timestamp || !signature) return false;
	if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
	const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
	const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
	return signature.split(" ").some((entry) => {
		const [version, value] = entry.split(",");
		const given = Buffer.from(value ?? "", "base64");
		return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
	});
}

async function readBody(req: IncomingMessage): Promise<string> {
	let body = "";
	for await (const chunk of req) body += chunk;
	return body;
}

const send = (res: ServerResponse, status: number, body = "", headers: Record<string, string> = {}) => {
	res.writeHead(status, { "content-type": "application/json", ...headers });
	res.end(body);
};

export default async function setup(project: TestProject) {
	const hooks = new Map<string, Hook>();
	const hookFor = (name: string) => {
		let hook = hooks.get(name);
		if (!hook) {
			hook = { secret: null, plan: [], repeat: null, received: [] };
			hooks.set(name, hook);
		}
		return hook;
	};
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		try {
			const match = /^\/hooks\/([\w-]+)$/.exec(url.pathname);
			if (req.method === "POST" && match) {
				const name = match[1] as string;
				const hook = hookFor(name);
				const body = await readBody(req);
				const header = (h: string) => (req.headers[h] as string | undefined) ?? null;
				const answered = hook.plan.shift() ?? hook.repeat ?? 200;
				hook.received.push({
					id: header("webhook-id"),
					timestamp: header("webhook-timestamp"),
					signature: header("webhook-signature"),
					verified: verified(
						hook.secret,
						header("webhook-id") ?? "",
						header("webhook-timestamp") ?? "",
						header("webhook-signature") ?? "",
						body,
					),
					body,
					answered,
				});
				const port = (server.address() as { port: number }).port;
				if (answered >= 300 && answered < 400)
					return send(res, answered, "", { location: `http://127.0.0.1:${port}/hooks/${name}-moved` });
				return send(res, answered, JSON.stringify({ ok: answered < 300 }));
			}
			if (req.method === "POST" && url.pathname === "/__control/hooks") {
				const { name, secret, plan, repeat } = JSON.parse(await readBody(req)) as {
					name: string;
					secret: string;
					plan?: number[];
					repeat?: number;
				};
				hooks.set(name, { secret, plan: plan ?? [], repeat: repeat ?? null, received: [] });
				return send(res, 204);
			}
			if (req.method === "GET" && url.pathname === "/__control/received")
				return send(res, 200, JSON.stringify(hooks.get(url.searchParams.get("name") ?? "")?.received ?? []));
			return send(res, 404, JSON.stringify({ error: "no such route" }));
		} catch (error) {
			return send(res, 500, JSON.stringify({ error: String(error) }));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	project.provide("webhookReceiverPort", (server.address() as { port: number }).port);
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
