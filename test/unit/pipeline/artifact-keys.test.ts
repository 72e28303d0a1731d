import { describe, expect, it } from "vitest";
import { artifactKeys, pipelineKeys, sourceTag } from "../../../src/pipeline/artifact-keys";
import { priceKeys } from "../../../src/prices/keys";

const HASH = "0123456789abcdef".repeat(4);

describe("pipelineKeys", () => {
	it("stores import chunks by their hash and manifests by the import id", () => {
		expect(priceKeys.chunk(HASH)).toBe(`imports/chunks/${HASH}.csv`);
		expect(priceKeys.manifest(HASH)).toBe(`imports/${HASH}/manifest.json`);
	});

	it("partitions shard data by date and source, addressing derived data by 16 hex of its input hash", () => {
		expect(pipelineKeys.raw("2026-08-22", "sample", 3)).toBe("raw/date=2026-08-22/source=sample/part-0003.parquet");
		expect(pipelineKeys.features("2026-08-22", HASH, 12)).toBe(
			"features/as_of=2026-08-22/h=0123456789abcdef/part-0012.parquet",
		);
		expect(pipelineKeys.trainingSample("2026-08-22", HASH, 0)).toBe(
			"features/as_of=2026-08-22/h=0123456789abcdef/part-0000.sample.parquet",
		);
		expect(pipelineKeys.fold(HASH, 3)).toBe("train/h=0123456789abcdef/fold-03.json");
		expect(pipelineKeys.serving("run-1", 2)).toBe("serving/run=run-1/part-0002.ndjson");
		expect(artifactKeys.model("v-1")).toBe("models/v-1/model.json");
	});
});

describe("sourceTag", () => {
	it("names a source as one path segment", () => {
		expect(sourceTag("sample")).toBe("sample");
		expect(sourceTag("live")).toBe("live");
		expect(sourceTag(`file:${HASH}`)).toBe("file-0123456789ab");
		expect(sourceTag("synthetic:100x30:7")).toBe("synthetic-100x30-7");
	});
});
