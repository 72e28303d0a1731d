import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SampleInfo, UploadResult } from "../../src/api/schemas/models";
import { pipelineKeys } from "../../src/lib/artifact-keys";
import { sha256Hex } from "../../src/lib/hash";
import { api, expectProblem, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";

const GOOD = [
	"card_id,card_name,set_name,date,market_price,source",
	"imp-a,Import A,Set,2026-05-01,10.5,shop",
	"imp-a,Import A,Set,2026-05-02,11,shop",
	"imp-b,Import B,Set,2026-05-02,3,shop",
].join("\n");

const BAD = [
	"card_id,card_name,set_name,date,market_price",
	"imp-a,Import A,Set,2026-05-01,10.5",
	"Not An Id,Import A,Set,2026-05-02,11",
	"imp-b,Import B,Set,2026-02-30,abc",
].join("\n");

const csv = (body: string, type = "text/csv", path = "/v1/admin/imports", method = "POST") =>
	api(path, { method, headers: { "content-type": type }, body });

const countUploads = async () => (await env.ARCHIVE.list({ prefix: "imports/" })).objects.length;

describe("POST /v1/admin/imports", () => {
	it("stores a valid file content-addressed (201), and the same file again is a no-op (200)", async () => {
		const sha256 = await sha256Hex(GOOD);
		const first = await readJson(await csv(GOOD), UploadResult, 201);
		expect(first).toEqual({
			key: pipelineKeys.upload(sha256),
			sha256,
			source: `file:${sha256}`,
			bytes: GOOD.length,
			rows: 3,
			cards: 2,
			date_from: "2026-05-01",
			date_to: "2026-05-02",
			created: true,
		});
		expect(await (await env.ARCHIVE.get(first.key))?.text()).toBe(GOOD);
		expect((await readJson(await csv(GOOD), UploadResult, 200)).created).toBe(false);
	});

	it("refuses a malformed file with a 422 listing every bad line and field, and stores nothing", async () => {
		const before = await countUploads();
		const problem = await expectProblem(await csv(BAD), 422, "validation_failed");
		expect(problem.errors).toEqual([
			{
				location: "body.line.3.card_id",
				message: expect.stringMatching(/^line 3, field card_id: "Not An Id" is not a card id/),
			},
			{ location: "body.line.4.date", message: 'line 4, field date: "2026-02-30" is not a YYYY-MM-DD date' },
			{
				location: "body.line.4.market_price",
				message: 'line 4, field market_price: "abc" is not a non-negative number',
			},
		]);
		expect(problem.detail).toMatch(/^line 3, field card_id: .*\(and 2 more\)\. Nothing was imported\.$/);
		expect(problem.issue_count).toBe(3);
		expect(await countUploads()).toBe(before);
	});

	it("refuses a file missing a column, and an empty one", async () => {
		const missing = await expectProblem(await csv("card_id,card_name,date,market_price\na,A,2026-01-01,1"), 422);
		expect(missing.errors).toEqual([
			{ location: "body.line.1.set_name", message: 'line 1, field set_name: missing column "set_name" in the header' },
		]);
		await expectProblem(await csv(""), 422);
	});

	it("answers 415 for a body that is not text/csv", async () => {
		const problem = await expectProblem(await csv(GOOD, "application/json"), 415, "unsupported_media_type");
		expect(problem.detail).toContain("text/csv");
	});

	it("needs the admin scope", async () => {
		const { key } = await issueKey({ scopes: ["read"] });
		const res = await api("/v1/admin/imports", {
			method: "POST",
			headers: { "content-type": "text/csv", "X-API-Key": key },
			body: GOOD,
		});
		await expectProblem(res, 403, "forbidden");
	});
});

describe("the sample: GET and PUT /v1/admin/sample", () => {
	it("is 404 until stored, then describes the stored file; a bad file leaves it as it was", async () => {
		await env.ARCHIVE.delete(pipelineKeys.sample);
		await expectProblem(await api("/v1/admin/sample"), 404, "not_found");
		const stored = await readJson(await csv(GOOD, "text/csv", "/v1/admin/sample", "PUT"), SampleInfo);
		expect(stored).toMatchObject({ key: "samples/card_prices.csv", sha256: await sha256Hex(GOOD), bytes: GOOD.length });
		expect(await readJson(await api("/v1/admin/sample"), SampleInfo)).toMatchObject({ sha256: stored.sha256 });
		await expectProblem(await csv(BAD, "text/csv", "/v1/admin/sample", "PUT"), 422);
		expect(await (await env.ARCHIVE.get(pipelineKeys.sample))?.text()).toBe(GOOD);
	});
});
