import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FairPrice } from "../../src/api/schemas/fair-price";
import { api, expectProblem, locations, postJson, readJson } from "../helpers/api";
import { cardRows, resetModels, seedServing } from "../helpers/model";

const CARD = "err-card";
beforeAll(async () => {
	await resetModels();
	await seedServing([...cardRows(CARD, [10, 11, 12]), ...cardRows("err-corrupt", [1, 2, 3])]);
});

describe("error responses", () => {
	it("400 for a body that is not JSON", async () => {
		const res = await api("/v1/fair-price", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: '{"card_id": ',
		});
		const problem = await expectProblem(res, 400, "malformed_json");
		expect(problem.title).toBe("Malformed JSON");
	});

	it("404 for an unknown route", async () => {
		const problem = await expectProblem(await api("/v1/nothing-here"), 404, "not_found");
		expect(problem.detail).toContain("/v1/nothing-here");
		await expectProblem(await postJson("/nope", {}), 404, "not_found");
	});

	it("405 with an Allow header for a known path and the wrong method", async () => {
		const get = await api("/v1/fair-price");
		expect(get.headers.get("allow")).toBe("POST");
		await expectProblem(get, 405, "method_not_allowed");

		const del = await api(`/v1/cards/${CARD}/fair-price`, { method: "DELETE" });
		expect(del.headers.get("allow")?.split(", ")).toContain("GET");
		await expectProblem(del, 405, "method_not_allowed");

		const put = await api("/v1/fair-price/batch", { method: "PUT", body: "{}" });
		expect(put.headers.get("allow")).toBe("POST");
		await expectProblem(put, 405, "method_not_allowed");
	});

	it("413 for a body over MAX_BODY_BYTES", async () => {
		const res = await postJson("/v1/fair-price", { card_id: CARD, padding: "x".repeat(1_048_576) });
		const problem = await expectProblem(res, 413, "payload_too_large");
		expect(problem.max_bytes).toBe(1_048_576);
	});

	it("415 for a body that is not sent as JSON", async () => {
		const text = await api("/v1/fair-price", {
			method: "POST",
			headers: { "content-type": "text/plain" },
			body: JSON.stringify({ card_id: CARD }),
		});
		await expectProblem(text, 415, "unsupported_media_type");
		const form = await api("/v1/fair-price/batch", { method: "POST", body: new URLSearchParams({ card_id: CARD }) });
		await expectProblem(form, 415, "unsupported_media_type");
	});

	it("422 naming the field at fault", async () => {
		const problem = await expectProblem(await postJson("/v1/fair-price", { card_id: CARD, date: 20260101 }), 422);
		expect(problem.code).toBe("validation_failed");
		expect(locations(problem)).toEqual(["body.date"]);
		expect(problem.detail).toMatch(/^body\.date: /);
	});

	it("500 without internals when a served history cannot be read", async () => {
		// Real storage, bad bytes: the card's served history is overwritten with something that is not JSON.
		const row = await env.DB.prepare("SELECT object_key FROM serving_cards WHERE card_id = 'err-corrupt'").first<{
			object_key: string;
		}>();
		await env.ARCHIVE.put(
			row?.object_key as string,
			"{ this is not json, at every byte offset of the object }".repeat(50),
		);
		const res = await postJson("/v1/fair-price", { card_id: "err-corrupt", date: "2026-01-01" });
		const problem = await expectProblem(res, 500, "internal");
		const body = JSON.stringify(problem);
		for (const leak of ["SyntaxError", "JSON", "models/", "stack", "at "]) expect(body, leak).not.toContain(leak);
		// The other cards keep serving.
		await readJson(await postJson("/v1/fair-price", { card_id: CARD }), FairPrice);
	});
});

describe("X-Request-ID", () => {
	it("echoes a sane client id on success and on problems", async () => {
		const ok = await api(`/v1/cards/${CARD}/fair-price`, { headers: { "X-Request-ID": "abc-123" } });
		expect(ok.status).toBe(200);
		expect(ok.headers.get("x-request-id")).toBe("abc-123");

		const missing = await api("/v1/cards/no-card/fair-price", { headers: { "X-Request-ID": "abc-123" } });
		expect(missing.headers.get("x-request-id")).toBe("abc-123");
		expect((await expectProblem(missing, 404)).instance).toBe("urn:request:abc-123");

		const wrongMethod = await api("/v1/fair-price", { headers: { "X-Request-ID": "abc-123" } });
		expect(wrongMethod.headers.get("x-request-id")).toBe("abc-123");
	});

	it("replaces an insane client id", async () => {
		const res = await api(`/v1/cards/${CARD}/fair-price`, { headers: { "X-Request-ID": "bad id!" } });
		const id = res.headers.get("x-request-id");
		expect(id).toBeTruthy();
		expect(id).not.toBe("bad id!");
		expect(id).toMatch(/^[\w=-]+$/);
	});

	it("replaces an over-long client id", async () => {
		const long = "a".repeat(129);
		const res = await api(`/v1/cards/${CARD}/fair-price`, { headers: { "X-Request-ID": long } });
		expect(res.headers.get("x-request-id")).not.toBe(long);
	});

	it("is set on every response, unique per request when the client sends none", async () => {
		const responses = [
			await api("/v1/health"),
			await api("/v1/cards"),
			await postJson("/v1/fair-price", { card_id: CARD }),
			await api("/v1/unknown"),
			await api("/openapi.json"),
		];
		const ids = responses.map((r) => r.headers.get("x-request-id"));
		for (const id of ids) expect(id).toMatch(/^[\w=-]+$/);
		expect(new Set(ids).size).toBe(ids.length);
	});
});

describe("the OpenAPI document and security", () => {
	it("marks the public health routes as needing no key and every other operation as needing one", async () => {
		const doc = (await (await api("/openapi.json")).json()) as {
			security: unknown[];
			paths: Record<string, Record<string, { security?: unknown[] }>>;
		};
		expect(doc.security.length).toBeGreaterThan(0);
		expect(doc.paths["/v1/health"]?.get?.security).toEqual([]);
		expect(doc.paths["/health"]?.get?.security).toEqual([]);
		const others = Object.entries(doc.paths).flatMap(([path, ops]) =>
			Object.values(ops)
				.filter((op) => op.security !== undefined)
				.map(() => path),
		);
		expect(others.sort()).toEqual(["/health", "/v1/health"]);
	});
});
