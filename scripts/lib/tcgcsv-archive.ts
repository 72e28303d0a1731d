/**
 * TCGCSV's daily price archives in Node: `prices-YYYY-MM-DD.ppmd.7z` (7-Zip, one solid PPMd
 * block) holding one file per category and group, `YYYY-MM-DD/<categoryId>/<groupId>/prices`,
 * each the feed's prices endpoint's JSON as it answered that day. Read with 7z-wasm (7-Zip
 * compiled to WebAssembly, so a machine needs no 7zz): only the categories asked for are
 * unpacked, into the module's in-memory file system, one archive at a time.
 */
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import SevenZip from "7z-wasm";
import { isIsoDate } from "../../src/model/card-series";

/** An archive that cannot be read as a TCGCSV day: its name, its container or its layout. */
export class ArchiveError extends Error {
	override name = "ArchiveError";
}

const NAME = /^prices-(\d{4}-\d{2}-\d{2})\.ppmd\.7z$/;

/** The day an archive's file name names (`prices-2025-10-12.ppmd.7z` → `2025-10-12`). */
export function archiveDateOf(path: string): string {
	const m = NAME.exec(basename(path));
	if (!m || !isIsoDate(m[1] as string))
		throw new ArchiveError(`${path}: not a TCGCSV price archive name (prices-YYYY-MM-DD.ppmd.7z)`);
	return m[1] as string;
}

/** One group's prices file of an archive. */
export type ArchiveFile = { category: number; group: number; text: string; modified: Date };

/** What one archive holds of the categories asked for. */
export type ArchiveDay = {
	date: string;
	path: string;
	/** The archive's size on disk. */
	bytes: number;
	/** Every file, by category in the order asked, then by group id. */
	files: ArchiveFile[];
	/** The categories asked for that the archive holds no file of. */
	missing: number[];
	/** The latest modification time of its files: when the feed wrote that day (about 20:00 UTC). */
	stamp: Date | null;
};

const OUT = "/out";

type Fs = Awaited<ReturnType<typeof SevenZip>>["FS"];

const entries = (fs: Fs, dir: string) => fs.readdir(dir).filter((e) => e !== "." && e !== "..");

function exists(fs: Fs, path: string): boolean {
	try {
		fs.stat(path);
		return true;
	} catch {
		return false;
	}
}

/** The first path segments of an archive's entries (its days), from a listing. */
async function topFolders(data: Buffer): Promise<string[]> {
	const found = new Set<string>();
	const zip = await SevenZip({
		print: (line) => {
			const m = /^Path = ([^/\\]+)[/\\]/.exec(line);
			if (m) found.add(m[1] as string);
		},
		printErr: () => undefined,
	});
	zip.FS.writeFile("/archive.7z", data);
	zip.callMain(["l", "-slt", "/archive.7z"]);
	return [...found].sort();
}

/**
 * Reads one archive: the prices files of `categories` (in that order), named by the archive's
 * day. Throws ArchiveError for a misnamed file, a file that is not a 7-Zip archive (or is
 * damaged), or an archive that holds no file of any category asked for.
 */
export async function readArchive(path: string, categories: readonly number[]): Promise<ArchiveDay> {
	const date = archiveDateOf(path);
	let data: Buffer;
	try {
		data = await readFile(path);
	} catch (error) {
		throw new ArchiveError(
			`${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
		);
	}
	const errors: string[] = [];
	let ok = false;
	// One module per archive: 7z-wasm's main() runs once per instance.
	const zip = await SevenZip({
		print: (line) => {
			if (line.startsWith("Everything is Ok")) ok = true;
		},
		printErr: (line) => {
			if (line.trim() !== "") errors.push(line.trim());
		},
	});
	zip.FS.writeFile("/archive.7z", data);
	zip.FS.mkdir(OUT);
	zip.callMain(["x", "/archive.7z", `-o${OUT}`, "-y", "-bd", ...categories.map((c) => `${date}/${c}/*`)]);
	const found = errors.find((e) => /is not archive|cannot open|error/i.test(e));
	if (!ok && found)
		throw new ArchiveError(
			`${path}: 7-Zip could not read it (${errors.filter((e) => e !== "/archive.7z").join("; ")})`,
		);
	const files: ArchiveFile[] = [];
	const missing: number[] = [];
	const dayDir = `${OUT}/${date}`;
	const cats = exists(zip.FS, dayDir) ? new Set(entries(zip.FS, dayDir)) : new Set<string>();
	for (const category of categories) {
		if (!cats.has(String(category))) {
			missing.push(category);
			continue;
		}
		const groups = entries(zip.FS, `${dayDir}/${category}`)
			.filter((g) => /^\d+$/.test(g))
			.map(Number)
			.sort((a, b) => a - b);
		for (const group of groups) {
			const file = `${dayDir}/${category}/${group}/prices`;
			if (!exists(zip.FS, file)) continue;
			files.push({
				category,
				group,
				text: zip.FS.readFile(file, { encoding: "utf8" }),
				modified: zip.FS.stat(file).mtime,
			});
		}
	}
	if (files.length === 0) {
		const other = (await topFolders(data)).filter((d) => d !== date);
		throw new ArchiveError(
			other.length > 0
				? `${path}: its files are dated ${other.join(", ")}, not ${date} as its name says`
				: `${path}: holds no prices file of categor${categories.length === 1 ? "y" : "ies"} ${categories.join(", ")}`,
		);
	}
	const stamp = files.reduce<Date | null>((a, f) => (a === null || f.modified > a ? f.modified : a), null);
	return { date, path, bytes: (await stat(path)).size, files, missing, stamp };
}
