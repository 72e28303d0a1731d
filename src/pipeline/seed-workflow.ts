import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { z } from "zod";
import { getConfig } from "../config";
import { markSeed } from "../db/seeds";
import { commitSeedDay, finishSeed, planSeed, seedDays, stageSeedGroup } from "../prices/seed";
import { forEngine } from "./errors";
import { STEP_CONFIG } from "./step-config";

/** The seed's payload, parsed at the top of `run()`. */
export const SeedParams = z.object({ seed_id: z.string().min(1), import_id: z.string().regex(/^[0-9a-f]{64}$/) });
export type SeedParams = z.infer<typeof SeedParams>;

/**
 * Seeds the price history from an import. Thin: the steps are plain functions (src/prices/seed.ts); a
 * failure marks the seed failed with its reason. Every step can run again with the same result.
 */
export class HistorySeed extends WorkflowEntrypoint<Env, SeedParams> {
	override async run(event: WorkflowEvent<SeedParams>, step: WorkflowStep) {
		const { seed_id, import_id } = SeedParams.parse(event.payload);
		const env = { DB: this.env.DB, ARCHIVE: this.env.ARCHIVE };
		const rows = getConfig(this.env).PIPELINE_SHARD_ROWS;
		const run = <T extends Rpc.Serializable<T>>(name: string, config: object, body: () => Promise<T>) =>
			step.do(name, config, async () => {
				try {
					return await body();
				} catch (error) {
					throw forEngine(error);
				}
			});
		try {
			const plan = await run("plan seed", STEP_CONFIG.db, () => planSeed(env, seed_id, import_id, rows));
			const staged = [];
			for (const [g, chunks] of plan.groups.entries())
				staged.push(await run(`stage #${g}`, STEP_CONFIG.compute, () => stageSeedGroup(env, seed_id, g, chunks)));
			const days = seedDays(staged);
			for (const [k, { day, groups }] of days.entries())
				await run(`commit #${k}`, STEP_CONFIG.compute, () => commitSeedDay(env, seed_id, day, groups));
			return await run("finish seed", STEP_CONFIG.db, () => finishSeed(env, seed_id, days.length));
		} catch (error) {
			await step.do("record failure", STEP_CONFIG.db, async () => {
				await markSeed(this.env.DB, seed_id, { status: "failed", error: String(error) }).run();
				return null;
			});
			throw error;
		}
	}
}
