/** Seeding the price history through the API: start a seed of an import, follow it to its end. */
import type { Seed } from "../../src/db/seeds";
import { type Api, describeProblem, UsageError } from "./api-client";

/** The parts of a seed the CLIs show. */
export type SeedView = Pick<
	Seed,
	"id" | "status" | "rows" | "cards" | "date_from" | "date_to" | "days_written" | "error"
>;

/** POST /v1/admin/history/seeds; the seed started, or this import's earlier one. */
export async function startSeed(
	api: Api,
	importId: string,
	force = false,
): Promise<{ seed: SeedView; reused: boolean }> {
	const answer = await api.request<{ seed?: SeedView; reused?: boolean }>("POST", "/v1/admin/history/seeds", {
		import_id: importId,
		force,
	});
	if ((answer.status === 200 || answer.status === 202) && answer.body.seed)
		return { seed: answer.body.seed, reused: answer.body.reused === true };
	if (answer.status === 422) throw new UsageError(describeProblem(answer));
	throw new Error(`could not start the seed: ${describeProblem(answer)}`);
}

/** Polls a seed until it is complete or failed, logging when it moves. */
export async function followSeed(api: Api, id: string, log = console.log, intervalMs = 1000): Promise<SeedView> {
	let last = "";
	for (;;) {
		const answer = await api.request<SeedView>("GET", `/v1/admin/history/seeds/${id}`);
		if (answer.status !== 200) throw new Error(`could not read seed ${id}: ${describeProblem(answer)}`);
		const seed = answer.body;
		const line = `  seed ${id}: ${seed.status}${seed.days_written ? `, ${seed.days_written} day(s) merged` : ""}`;
		if (line !== last) log(line);
		last = line;
		if (seed.status === "complete" || seed.status === "failed") return seed;
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** One line about a finished seed. */
export const seedLine = (seed: SeedView) =>
	seed.status === "complete"
		? `Seeded ${seed.rows} prices of ${seed.cards} cards, ${seed.date_from}..${seed.date_to}: ${seed.days_written} day(s) and source(s) merged into the history.`
		: `The seed failed: ${seed.error ?? "no reason recorded"}`;
