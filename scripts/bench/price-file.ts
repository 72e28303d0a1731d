/**
 * `npm run bench -- csv --cards N --days N --out FILE [--seed N] [--date YYYY-MM-DD]`: a synthetic
 * price file in the import format (the `synthetic:` source's random walks, src/prices/synthetic.ts),
 * written a card at a time, for trying imports and runs on files of any size.
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { syntheticCard, syntheticDates } from "../../src/prices/synthetic";

const USAGE = "usage: npm run bench -- csv --cards N --days N --out FILE.csv [--seed N] [--date YYYY-MM-DD]";

/** Writes the file and prints its size; the exit code. */
export async function writePriceFile(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			cards: { type: "string" },
			days: { type: "string" },
			out: { type: "string" },
			seed: { type: "string", default: "1" },
			date: { type: "string", default: "2025-10-15" },
		},
	});
	const spec = { cards: Number(values.cards), days: Number(values.days), seed: Number(values.seed) };
	if (!values.out || !Number.isInteger(spec.cards) || spec.cards < 1 || !Number.isInteger(spec.days) || spec.days < 1) {
		console.error(USAGE);
		return 2;
	}
	const out = createWriteStream(values.out);
	const dates = syntheticDates(spec, values.date);
	let rows = 0;
	let bytes = 0;
	const put = async (line: string) => {
		bytes += Buffer.byteLength(line);
		if (!out.write(line)) await once(out, "drain");
	};
	await put("card_id,card_name,set_name,date,market_price,source\n");
	for (let i = 1; i <= spec.cards; i++)
		for (const r of syntheticCard(spec, values.date, i, dates)) {
			rows++;
			await put(`${r.card_id},${r.card_name},${r.set_name},${r.date},${r.market_price},${r.source}\n`);
		}
	out.end();
	await once(out, "finish");
	console.log(`${values.out}: ${rows} rows, ${spec.cards} cards, ${spec.days} days, ${(bytes / 1e6).toFixed(1)} MB`);
	return 0;
}
