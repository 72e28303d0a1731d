import type { ServingCard } from "../../src/db/serving";

/** A served card of run `run_id`, about `latest_date`. */
export function servingCard(card_id: string, run_id: string, overrides: Partial<ServingCard> = {}): ServingCard {
	return {
		card_id,
		name: `Card ${card_id}`,
		set_name: "Test Set",
		latest_date: "2026-05-10",
		market_price: 10,
		fair_price: 11,
		deviation_pct: -9.09,
		change_7d: null,
		signal: "HOLD",
		p_up: 0.4,
		p_down: 0.3,
		strength: 0,
		reason: "below the threshold",
		observations: 30,
		days_since_change: 1,
		model_version: "v-1",
		run_id,
		run_date: overrides.latest_date ?? "2026-05-10",
		object_key: `serving/run=${run_id}/part-0000.ndjson`,
		byte_offset: 0,
		byte_length: 100,
		updated_at: "2026-05-10T03:00:00.000Z",
		product_id: null,
		printing: null,
		slug: null,
		set_code: null,
		number: null,
		rarity: null,
		language: null,
		kind: "card",
		url: null,
		...overrides,
	};
}
