/**
 * Writing TCGCSV-shaped archives for tests, with the same 7z-wasm the reader uses: one solid
 * PPMd block of `YYYY-MM-DD/<category>/<group>/prices` files, each stamped with the day's time.
 */
import { writeFile } from "node:fs/promises";
import SevenZip from "7z-wasm";

export type ArchiveEntry = { category: number; group: number; text: string };

/** Writes `prices-<day>.ppmd.7z`-shaped bytes to `path`. */
export async function writeTcgcsvArchive(
	path: string,
	day: string,
	entries: readonly ArchiveEntry[],
	stamp = new Date(`${day}T20:03:00Z`),
): Promise<void> {
	const errors: string[] = [];
	const zip = await SevenZip({ print: () => undefined, printErr: (line) => errors.push(line) });
	const seconds = stamp.getTime() / 1000;
	zip.FS.mkdir("/in");
	zip.FS.mkdir(`/in/${day}`);
	for (const e of entries) {
		for (const dir of [`/in/${day}/${e.category}`, `/in/${day}/${e.category}/${e.group}`])
			try {
				zip.FS.mkdir(dir);
			} catch {
				// made for an earlier group
			}
		const file = `/in/${day}/${e.category}/${e.group}/prices`;
		zip.FS.writeFile(file, e.text);
		zip.FS.utime(file, seconds * 1000, seconds * 1000);
	}
	zip.FS.chdir("/in");
	zip.callMain(["a", "-t7z", "-m0=PPMd", "-ms=on", "-bd", "/out.7z", day]);
	if (errors.some((e) => /error/i.test(e))) throw new Error(`7-Zip could not write ${path}: ${errors.join("; ")}`);
	await writeFile(path, zip.FS.readFile("/out.7z"));
}
