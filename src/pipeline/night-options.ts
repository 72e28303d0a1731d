/** The configuration a night's model selection runs with (the pipeline and the backtest share it). */
import type { Config } from "../config";
import { GBT_DEFAULTS } from "../model/gbt";
import type { NightOptions } from "../model/nightly";
import { baselineRules } from "../model/rules";

/** The night options of a configuration. */
export function nightOptions(config: Config, force: boolean): NightOptions {
	return {
		windows: {
			horizonDays: config.HORIZON_DAYS,
			selectionDays: config.BACKTEST_SELECTION_DAYS,
			validationDays: config.BACKTEST_VALIDATION_DAYS,
			foldDays: config.BACKTEST_FOLD_DAYS,
			maxFolds: config.BACKTEST_MAX_FOLDS,
			minTrainDays: config.BACKTEST_MIN_TRAIN_DAYS,
		},
		gbt: GBT_DEFAULTS,
		rules: baselineRules(),
		force,
		signalRateFloor: config.SIGNAL_RATE_FLOOR,
		minDecided: config.GATE_MIN_DECIDED,
		minPrice: config.SIGNAL_MIN_PRICE,
		moveSize: config.HORIZON_MOVE,
		horizonDays: config.HORIZON_DAYS,
	};
}
