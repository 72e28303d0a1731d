import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CreatedKey } from "../../src/api/schemas/keys";
import { api, postJson, readJson } from "../helpers/api";
import { TEST_KEY } from "../helpers/keys";
import { cardRows, resetModels, seedServing } from "../helpers/model";

/** Every line the Worker writes to the console while `body` runs. */
function captureConsole() {
	const lines: string[] = [];
	const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
		vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
			lines.push(args.map(String).join(" "));
		}),
	);
	return {
		lines,
		restore: () => {
			for (const spy of spies) spy.mockRestore();
		},
	};
}

describe("structured request logs", () => {
	let capture: ReturnType<typeof captureConsole>;
	beforeEach(async () => {
		await resetModels();
		await seedServing(cardRows("log-card", [10, 11, 12, 13]));
		capture = captureConsole();
	});
	afterEach(() => capture.restore());

	it("writes one JSON line per request with id, key id, route, status, latency, cache, model and remaining", async () => {
		const res = await postJson(
			"/v1/fair-price",
			{ card_id: "log-card" },
			{ headers: { "X-Request-ID": "log-test-1" } },
		);
		expect(res.status).toBe(200);
		const lines = capture.lines.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({
			level: "info",
			request_id: "log-test-1",
			key_id: expect.stringMatching(/^key_/),
			method: "POST",
			route: "/v1/fair-price",
			status: 200,
			cache: "miss",
			model_version: expect.any(String),
			signal: expect.stringMatching(/^(BUY|SELL|HOLD)$/),
			ratelimit_remaining: expect.any(Number),
		});
		expect(lines[0].latency_ms).toBeGreaterThanOrEqual(0);
	});

	it("never writes a key, a bearer token or a new key's secret, whatever the request", async () => {
		const wrong = "pk_test_WrongWrongWrongWrongWrongWrongWrong0001";
		await api("/v1/cards", { headers: { "X-API-Key": wrong } });
		await api("/v1/cards", { headers: { "X-API-Key": "", Authorization: `Bearer ${wrong}` } });
		await api("/v1/cards", { headers: { "X-API-Key": "not a key at all, secret-ish 12345" } });
		await postJson("/v1/fair-price", { card_id: "log-card", secret: TEST_KEY });
		const created = await readJson(await postJson("/v1/admin/keys", { name: "logged?" }), CreatedKey, 201);
		const rotated = await postJson(`/v1/admin/keys/${created.info.id}/rotate`, {});
		const rotatedKey = ((await rotated.json()) as { key: string }).key;
		await api("/v1/cards", { headers: { Authorization: `Bearer ${created.key}` } });

		// Seven requests, each with its request line.
		expect(capture.lines.filter((l) => l.includes('"msg":"request"'))).toHaveLength(7);
		const all = capture.lines.join("\n");
		for (const secret of [TEST_KEY, wrong, created.key, rotatedKey, "secret-ish 12345"]) {
			expect(all).not.toContain(secret);
		}
		expect(all).not.toMatch(/Bearer/i);
		expect(all).not.toMatch(/pk_(dev|test|live)_[0-9A-Za-z]{32}/);
	});
});
