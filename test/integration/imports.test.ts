import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ChunkResult, ImportInfo, SampleInfo } from "../../src/api/schemas/imports";
import { sha256Hex } from "../../src/lib/hash";
import { CANONICAL_HEADER, chunksOf } from "../../src/prices/imports";
import { priceKeys } from "../../src/prices/keys";
import { parsePriceCsv } from "../../src/prices/price-rows";
import { api, expectProblem, postJson, readJson } from "../helpers/api";
import { issueKey } from "../helpers/keys";

const GOOD = [
	"card_id,card_name,set_name,date,market_price,source",
	"imp-b,Import B,Set,2026-05-02,3,shop",
	"imp-a,Import A,Set,2026-05-02,11,shop",
	"imp-a,Import A,Set,2026-05-01,10.5,shop",
].join("\n");

const BAD = [
	"card_id,card_name,set_name,date,market_price",
	"imp-a,Import A,Set,2026-05-01,10.5",
	"Not An Id,Import A,Set,2026-05-02,11",
	"imp-b,Import B,Set,2026-02-30,abc",
].join("\n");

const csv = (body: string, type = "text/csv", path = "/v1/admin/imports", method = "POST") =>
	api(path, { method, headers: { "content-type": type }, body });

const countUnder = async (prefix: string) => (await env.ARCHIVE.list({ prefix })).objects.length;

/** A canonical chunk of `rows` lines after the header. */
const chunk = (...lines: string[]) => `${CANONICAL_HEADER}\n${lines.join("\n")}\n`;

describe("POST /v1/admin/imports (a whole file)", () => {
	it("stores a valid file as canonical chunks, content-addressed (201); the same prices again store nothing (200)", async () => {
		const first = await readJson(await csv(GOOD), ImportInfo, 201);
		const chunks = chunksOf(parsePriceCsv(GOOD, "upload"));
		const id = await sha256Hex((await Promise.all(chunks.map(sha256Hex))).join("\n"));
		expect(first).toEqual({
			id,
			source: `file:${id}`,
			rows: 3,
			cards: 2,
			bytes: new TextEncoder().encode(chunks[0]).byteLength,
			chunks: 1,
			date_from: "2026-05-01",
			date_to: "2026-05-02",
			created: true,
		});
		// Sorted by card then date, in one canonical format, whatever order the file had.
		expect(await (await env.ARCHIVE.get(priceKeys.chunk(await sha256Hex(chunks[0] as string))))?.text()).toBe(
			chunk(
				"imp-a,Import A,Set,2026-05-01,10.5,shop",
				"imp-a,Import A,Set,2026-05-02,11,shop",
				"imp-b,Import B,Set,2026-05-02,3,shop",
			),
		);
		// The same prices in another order and layout are the same import.
		const reordered = [
			"market_price,date,set_name,card_name,card_id,source",
			"11,2026-05-02,Set,Import A,imp-a,shop",
			"3,2026-05-02,Set,Import B,imp-b,shop",
			"10.5,2026-05-01,Set,Import A,imp-a,shop",
		].join("\r\n");
		expect(await readJson(await csv(reordered), ImportInfo, 200)).toMatchObject({ id, created: false });
		expect(await readJson(await api(`/v1/admin/imports/${id}`), ImportInfo)).toMatchObject({
			id,
			rows: 3,
			created: false,
		});
	});

	it("refuses a malformed file with a 422 listing every bad line and field, and stores nothing", async () => {
		const before = await countUnder("imports/");
		const problem = await expectProblem(await csv(BAD), 422, "validation_failed");
		expect(problem.errors).toEqual([
			{
				location: "body.line.3.card_id",
				message: expect.stringMatching(/^line 3, field card_id: "Not An Id" is not a card id/),
			},
			{ location: "body.line.4.date", message: 'line 4, field date: "2026-02-30" is not a YYYY-MM-DD date' },
			{ location: "body.line.4.market_price", message: 'line 4, field market_price: "abc" is not a positive number' },
		]);
		expect(problem.detail).toMatch(/^line 3, field card_id: .*\(and 2 more\)\. Nothing was imported\.$/);
		expect(problem.issue_count).toBe(3);
		expect(await countUnder("imports/")).toBe(before);
	});

	it("refuses conflicting duplicate days, zero prices and a header with no rows, naming the lines", async () => {
		const head = "card_id,card_name,set_name,date,market_price";
		const duplicate = await expectProblem(
			await csv([head, "d-a,A,S,2026-01-01,10", "d-a,A,S,2026-01-01,99"].join("\n")),
			422,
		);
		expect(duplicate.errors).toEqual([
			{
				location: "body.line.3.market_price",
				message:
					"line 3, field market_price: d-a on 2026-01-01 is 99 here but 10 on line 2: one price per card and day",
			},
		]);
		const zero = await expectProblem(await csv([head, "z-a,A,S,2026-01-01,0"].join("\n")), 422);
		expect(zero.errors?.[0]).toEqual({
			location: "body.line.2.market_price",
			message: "line 2, field market_price: is 0: TCGplayer shows $0.00 when it has no price; leave that day out",
		});
		const empty = await expectProblem(await csv(`${head}\n`), 422);
		expect(empty.errors).toEqual([
			{ location: "body.line.2.row", message: "line 2, field row: the file has a header but no price rows" },
		]);
		// A repeated row with the same price is the same fact: it is kept once.
		const repeated = await readJson(
			await csv([head, "r-a,A,S,2026-01-01,10", "r-a,A,S,2026-01-01,10"].join("\n")),
			ImportInfo,
			201,
		);
		expect(repeated.rows).toBe(1);
	});

	it("refuses a file missing a column, and an empty one", async () => {
		const missing = await expectProblem(await csv("card_id,card_name,date,market_price\na,A,2026-01-01,1"), 422);
		expect(missing.errors).toEqual([
			{ location: "body.line.1.set_name", message: 'line 1, field set_name: missing column "set_name" in the header' },
		]);
		await expectProblem(await csv(""), 422);
	});

	it("answers 415 for a body that is neither text/csv nor a JSON commit", async () => {
		const problem = await expectProblem(await csv(GOOD, "text/plain"), 415, "unsupported_media_type");
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

describe("a large file: PUT /v1/admin/imports/chunks/{sha256}, then a commit", () => {
	const first = chunk("big-a,A,S,2026-01-01,1.5,x", "big-a,A,S,2026-01-02,1.6,x");
	const second = chunk("big-b,B,S,2026-01-01,7,x", "big-c,C,S,2026-01-03,8,x");

	it("stores each chunk once under its hash, then commits them in order as one import", async () => {
		const [a, b] = [await sha256Hex(first), await sha256Hex(second)];
		await expectProblem(await api(`/v1/admin/imports/chunks/${a}`), 404, "not_found");
		const stored = await readJson(
			await csv(first, "text/csv", `/v1/admin/imports/chunks/${a}`, "PUT"),
			ChunkResult,
			201,
		);
		expect(stored).toEqual({
			sha256: a,
			bytes: new TextEncoder().encode(first).byteLength,
			rows: 2,
			cards: 1,
			first_card: "big-a",
			last_card: "big-a",
			first_date: "2026-01-01",
			last_date: "2026-01-02",
			created: true,
		});
		// Again: already stored, not rewritten; a resumed upload asks first.
		expect(
			(await readJson(await csv(first, "text/csv", `/v1/admin/imports/chunks/${a}`, "PUT"), ChunkResult, 200)).created,
		).toBe(false);
		expect((await readJson(await api(`/v1/admin/imports/chunks/${a}`), ChunkResult)).rows).toBe(2);
		await readJson(await csv(second, "text/csv", `/v1/admin/imports/chunks/${b}`, "PUT"), ChunkResult, 201);

		const info = await readJson(await postJson("/v1/admin/imports", { chunks: [a, b] }), ImportInfo, 201);
		expect(info).toMatchObject({
			id: await sha256Hex(`${a}\n${b}`),
			rows: 4,
			cards: 3,
			chunks: 2,
			date_from: "2026-01-01",
			date_to: "2026-01-03",
		});
		expect((await readJson(await postJson("/v1/admin/imports", { chunks: [a, b] }), ImportInfo, 200)).created).toBe(
			false,
		);
	});

	it("refuses a chunk whose body is not its hash, or that is not sorted by card then date", async () => {
		const wrong = await expectProblem(
			await csv(first, "text/csv", `/v1/admin/imports/chunks/${"0".repeat(64)}`, "PUT"),
			422,
		);
		expect(wrong.errors?.[0]?.location).toBe("param.sha256");
		const unsorted = chunk("srt-b,B,S,2026-01-01,7,x", "srt-a,A,S,2026-01-01,8,x");
		const problem = await expectProblem(
			await csv(unsorted, "text/csv", `/v1/admin/imports/chunks/${await sha256Hex(unsorted)}`, "PUT"),
			422,
		);
		expect(problem.errors?.[0]?.location).toBe("body.line.3.row");
		expect(await env.ARCHIVE.head(priceKeys.chunk(await sha256Hex(unsorted)))).toBeNull();
	});

	it("refuses a commit naming a chunk not uploaded, or chunks out of card order, and stores no import", async () => {
		const [a, b] = [await sha256Hex(first), await sha256Hex(second)];
		const missing = await expectProblem(await postJson("/v1/admin/imports", { chunks: [a, "f".repeat(64)] }), 422);
		expect(missing.errors).toEqual([
			{ location: "body.chunks.1", message: expect.stringContaining("PUT it to /v1/admin/imports/chunks/") },
		]);
		const order = await expectProblem(await postJson("/v1/admin/imports", { chunks: [b, a] }), 422);
		expect(order.errors?.[0]?.location).toBe("body.chunks.1");
		expect(await env.ARCHIVE.head(priceKeys.manifest(await sha256Hex(`${b}\n${a}`)))).toBeNull();
		expect(
			locations422(await expectProblem(await postJson("/v1/admin/imports", { chunks: ["not-a-hash"] }), 422)),
		).toEqual(["body.chunks.0"]);
	});
});

const locations422 = (p: { errors?: { location: string }[] }) => (p.errors ?? []).map((e) => e.location);

describe("the sample: GET and PUT /v1/admin/sample", () => {
	it("is 404 until stored, then describes the stored file; a bad file leaves it as it was", async () => {
		await env.ARCHIVE.delete(priceKeys.sample);
		await expectProblem(await api("/v1/admin/sample"), 404, "not_found");
		const stored = await readJson(await csv(GOOD, "text/csv", "/v1/admin/sample", "PUT"), SampleInfo);
		expect(stored).toMatchObject({ key: "samples/card_prices.csv", sha256: await sha256Hex(GOOD), bytes: GOOD.length });
		expect(await readJson(await api("/v1/admin/sample"), SampleInfo)).toMatchObject({ sha256: stored.sha256 });
		await expectProblem(await csv(BAD, "text/csv", "/v1/admin/sample", "PUT"), 422);
		expect(await (await env.ARCHIVE.get(priceKeys.sample))?.text()).toBe(GOOD);
	});
});
