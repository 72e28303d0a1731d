/** What an answer tells a collector: BUY (priced under where it is heading), SELL, or HOLD. */
export type Signal = "BUY" | "SELL" | "HOLD";
