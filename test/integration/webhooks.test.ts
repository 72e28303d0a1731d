import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CreatedWebhook, Webhook, WebhookList } from "../../src/api/schemas/webhooks";
import { publishStaged, stageServingCards } from "../../src/db/serving";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";
import { servingCard } from "../helpers/serving";
import { armHook, deliveries, eventually, hookUrl, received, resetWebhooks, subscribe } from "../helpers/webhooks";

const ALL = ["BUY", "SELL", "HOLD"];

beforeAll(async () => {
	await resetWebhooks();
	await env.DB.prepare("DELETE FROM serving_cards").run();
	await env.DB.batch(
		stageServingCards(env.DB, [
			servingCard("wh-card-a", "wh-seed", { set_name: "Hook Set" }),
			servingCard("wh-card-b", "wh-seed", { set_name: "Hook Set" }),
		]),
	);
	await env.DB.batch(publishStaged(env.DB, "wh-seed"));
});

describe("managing webhooks", () => {
	it("creates a webhook, shows its secret once, lists, reads and deletes it", async () => {
		const res = await postJson("/v1/webhooks", { url: hookUrl("crud"), card_ids: ["wh-card-a"], signals: ["BUY"] });
		expect(res.headers.get("cache-control")).toBe("no-store");
		const created = await readJson(res, CreatedWebhook, 201);
		expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
		expect(res.headers.get("location")).toBe(`/v1/webhooks/${created.id}`);
		expect(created).toMatchObject({
			card_ids: ["wh-card-a"],
			set: null,
			all: false,
			status: "active",
			min_probability: null,
		});

		const one = await readJson(await api(`/v1/webhooks/${created.id}`), Webhook);
		expect(one).not.toHaveProperty("secret");
		expect(one.id).toBe(created.id);
		const list = await readJson(await api("/v1/webhooks"), WebhookList);
		expect(list.data.map((w) => w.id)).toContain(created.id);
		expect(list.data.every((w) => !("secret" in w))).toBe(true);
		// The secret is stored sealed, never as given.
		const row = await env.DB.prepare("SELECT secret_cipher FROM webhook_subscriptions WHERE id = ?")
			.bind(created.id)
			.first<{ secret_cipher: string }>();
		expect(row?.secret_cipher).toBeTruthy();
		expect(row?.secret_cipher).not.toContain(created.secret.slice(6));

		expect((await api(`/v1/webhooks/${created.id}`, { method: "DELETE" })).status).toBe(204);
		await expectProblem(await api(`/v1/webhooks/${created.id}`), 404, "not_found");
		await expectProblem(await api(`/v1/webhooks/${created.id}`, { method: "DELETE" }), 404, "not_found");
	});

	it("pages the list with next_cursor", async () => {
		const { key } = await issueKey({ name: "pager" });
		const headers = { "X-API-Key": key };
		const ids: string[] = [];
		for (let i = 0; i < 3; i++)
			ids.push((await subscribe(`page-${i}`, { set: "Hook Set", signals: ["SELL"] }, { headers })).id);
		const first = await readJson(await api("/v1/webhooks?limit=2", { headers }), WebhookList);
		expect(first.data).toHaveLength(2);
		expect(first.next_cursor).toBeTruthy();
		const second = await readJson(
			await api(`/v1/webhooks?limit=2&cursor=${first.next_cursor}`, { headers }),
			WebhookList,
		);
		expect(second.next_cursor).toBeNull();
		expect([...first.data, ...second.data].map((w) => w.id).sort()).toEqual([...ids].sort());
	});

	it("a key holds at most WEBHOOK_MAX_PER_KEY (20) webhooks, even when created all at once", async () => {
		const { key } = await issueKey({ name: "greedy" });
		const headers = { "X-API-Key": key };
		const body = { url: "https://hooks.example.com/many", all: true, signals: ["BUY"] };
		const answers = await Promise.all(Array.from({ length: 25 }, () => postJson("/v1/webhooks", body, { headers })));
		expect(answers.filter((r) => r.status === 201)).toHaveLength(20);
		const refused = answers.filter((r) => r.status !== 201);
		expect(refused).toHaveLength(5);
		for (const r of refused) await expectProblem(r, 409, "conflict");
		expect((await readJson(await api("/v1/webhooks?limit=100", { headers }), WebhookList)).data).toHaveLength(20);
	});

	it("a key sees, tests and deletes only its own webhooks", async () => {
		const mine = await subscribe("owned", { all: true, signals: ALL });
		const { key } = await issueKey({ name: "other" });
		const other = { "X-API-Key": key };
		await expectProblem(await api(`/v1/webhooks/${mine.id}`, { headers: other }), 404, "not_found");
		await expectProblem(await api(`/v1/webhooks/${mine.id}`, { method: "DELETE", headers: other }), 404, "not_found");
		await expectProblem(await api(`/v1/webhooks/${mine.id}/deliveries`, { headers: other }), 404, "not_found");
		await expectProblem(await postJson(`/v1/webhooks/${mine.id}/test`, {}, { headers: other }), 404, "not_found");
		await expectProblem(await postJson(`/v1/webhooks/${mine.id}/resume`, {}, { headers: other }), 404, "not_found");
		const theirs = await readJson(await api("/v1/webhooks", { headers: other }), WebhookList);
		expect(theirs.data.map((w) => w.id)).not.toContain(mine.id);
		expect((await readJson(await api(`/v1/webhooks/${mine.id}`), Webhook)).status).toBe("active");
	});

	it.each([
		[{ url: "http://hooks.example.com/x", all: true, signals: ALL }, "body.url"],
		[{ url: "ftp://hooks.example.com/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://10.1.2.3/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://192.168.0.10/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://169.254.169.254/latest", all: true, signals: ALL }, "body.url"],
		[{ url: "https://100.64.0.1/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://[fd00::1]/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://[fe80::1]/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://intranet/x", all: true, signals: ALL }, "body.url"],
		[{ url: "https://user:pw@hooks.example.com/x", all: true, signals: ALL }, "body.url"],
		[{ url: "not a url", all: true, signals: ALL }, "body.url"],
		[{ url: "https://hooks.example.com/x", all: true, signals: [] }, "body.signals"],
		[{ url: "https://hooks.example.com/x", all: true, signals: ["BUY", "BUY"] }, "body.signals"],
		[{ url: "https://hooks.example.com/x", all: true, signals: ["MAYBE"] }, "body.signals.0"],
		[{ url: "https://hooks.example.com/x", signals: ALL }, "body.card_ids"],
		[{ url: "https://hooks.example.com/x", all: true, card_ids: ["wh-card-a"], signals: ALL }, "body.all"],
		[{ url: "https://hooks.example.com/x", set: "Hook Set", all: true, signals: ALL }, "body.all"],
		[{ url: "https://hooks.example.com/x", all: true, signals: ALL, min_probability: 1.5 }, "body.min_probability"],
		[{ url: "https://hooks.example.com/x", all: true, signals: ALL, min_probability: -0.1 }, "body.min_probability"],
		[{ url: "https://hooks.example.com/x", card_ids: ["wh-card-a", "no-such-card"], signals: ALL }, "body.card_ids.1"],
		[{ url: "https://hooks.example.com/x", set: "No Such Set", signals: ALL }, "body.set"],
		[{ url: "https://hooks.example.com/x", all: true, signals: ALL, extra: 1 }, "body"],
	])("refuses %j naming %s", async (body, location) => {
		const problem = await expectProblem(await postJson("/v1/webhooks", body), 422, "validation_failed");
		expect(locations(problem)).toContain(location);
	});

	it("accepts a public https target", async () => {
		const res = await postJson("/v1/webhooks", {
			url: "https://hooks.example.com/pw",
			set: "Hook Set",
			signals: ["BUY"],
		});
		expect((await readJson(res, CreatedWebhook, 201)).url).toBe("https://hooks.example.com/pw");
	});

	it("answers malformed ids and unknown ids with problems", async () => {
		await expectProblem(await api("/v1/webhooks/nope"), 422, "validation_failed");
		await expectProblem(await api("/v1/webhooks/wh_0000000000000000"), 404, "not_found");
	});
});

// Each queue retry waits for the next batch (max_batch_timeout = 1 s): a few seconds per delivery.
describe("deliveries through the queue", { timeout: 60_000 }, () => {
	it("a test event arrives signed, verifies, and shows as delivered", async () => {
		const hook = await subscribe("test-event");
		const res = await postJson(`/v1/webhooks/${hook.id}/test`, {});
		expect(res.status).toBe(202);
		const queued = (await res.json()) as { id: string; status: string };
		expect(queued).toMatchObject({ status: "pending", type: "webhook.test" });
		const [got] = await eventually(async () => {
			const r = await received("test-event");
			expect(r).toHaveLength(1);
			return r;
		});
		expect(got?.verified).toBe(true);
		expect(got?.id).toBe(queued.id);
		expect(got?.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
		expect(JSON.parse(got?.body ?? "{}")).toMatchObject({ type: "webhook.test", data: { subscription_id: hook.id } });
		await eventually(async () => {
			const [d] = await deliveries(hook.id);
			expect(d).toMatchObject({ id: queued.id, status: "delivered", attempts: 1, last_status: 200, last_error: null });
			expect(d?.delivered_at).toBeTruthy();
		});
	});

	it("a delivery the receiver fails twice is retried and then delivered, with the same id", async () => {
		const hook = await subscribe("flaky", undefined, { plan: [500, 503] });
		await postJson(`/v1/webhooks/${hook.id}/test`, {});
		await eventually(async () => {
			const [d] = await deliveries(hook.id);
			expect(d).toMatchObject({ status: "delivered", attempts: 3, last_status: 200 });
		});
		const got = await received("flaky");
		expect(got.map((r) => r.answered)).toEqual([500, 503, 200]);
		expect(new Set(got.map((r) => r.id)).size).toBe(1);
		expect(got.every((r) => r.verified)).toBe(true);
		expect((await readJson(await api(`/v1/webhooks/${hook.id}`), Webhook)).consecutive_failures).toBe(0);
	});

	it("a receiver that keeps failing: retries spent, dead-lettered, failed; two such deliveries pause the webhook", async () => {
		const hook = await subscribe("down", undefined, { repeat: 500 });
		await postJson(`/v1/webhooks/${hook.id}/test`, {});
		await eventually(async () => {
			const [d] = await deliveries(hook.id);
			// max_retries = 3 in wrangler.toml: four attempts, then the dead-letter queue.
			expect(d).toMatchObject({ status: "failed", attempts: 4, last_status: 500, last_error: "HTTP 500" });
			expect(d?.failed_at).toBeTruthy();
		});
		expect(await received("down")).toHaveLength(4);
		expect(await readJson(await api(`/v1/webhooks/${hook.id}`), Webhook)).toMatchObject({
			status: "active",
			consecutive_failures: 1,
		});

		await postJson(`/v1/webhooks/${hook.id}/test`, {});
		const paused = await eventually(async () => {
			const w = await readJson(await api(`/v1/webhooks/${hook.id}`), Webhook);
			expect(w.status).toBe("paused");
			return w;
		});
		expect(paused.paused_reason).toBe("2 deliveries in a row failed; the last: HTTP 500");
		expect(paused.paused_at).toBeTruthy();
		await expectProblem(await postJson(`/v1/webhooks/${hook.id}/test`, {}), 409, "conflict");

		const resumed = await readJson(await postJson(`/v1/webhooks/${hook.id}/resume`, {}), Webhook);
		expect(resumed).toMatchObject({ status: "active", paused_reason: null, consecutive_failures: 0 });
		await armHook("down", hook.secret);
		await postJson(`/v1/webhooks/${hook.id}/test`, {});
		await eventually(async () => expect((await deliveries(hook.id))[0]?.status).toBe("delivered"));
	});

	it("a redirect is never followed: the attempt fails and the redirect target gets nothing", async () => {
		const hook = await subscribe("redirecting", undefined, { repeat: 302 });
		await postJson(`/v1/webhooks/${hook.id}/test`, {});
		await eventually(async () => {
			const [d] = await deliveries(hook.id);
			expect(d).toMatchObject({ status: "failed", last_status: 302 });
			expect(d?.last_error).toMatch(
				/^redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/hooks\/redirecting-moved\) not followed$/,
			);
		});
		expect(await received("redirecting-moved")).toHaveLength(0);
	});

	it("a delivery whose webhook was deleted meanwhile is dropped", async () => {
		const hook = await subscribe("gone");
		const { id } = (await (await postJson(`/v1/webhooks/${hook.id}/test`, {})).json()) as { id: string };
		await api(`/v1/webhooks/${hook.id}`, { method: "DELETE" });
		// Either the consumer ran first (one request) or it found the webhook gone (none); never a retry.
		await new Promise((r) => setTimeout(r, 1500));
		expect((await received("gone")).length).toBeLessThanOrEqual(1);
		expect(await env.DB.prepare("SELECT 1 FROM webhook_deliveries WHERE id = ?").bind(id).first()).toBeNull();
	});
});
