/** How runs name the models they compare and publish with: a version and what to load. */
import type { ModelVersion } from "../db/models";
import { type RuleSpec, ruleId } from "../model/rules";
import type { ModelRef } from "./steps/publish";

export type { ModelRef } from "./steps/publish";

/** The version name of a rule: `rule-<id>` with `/` as `_` (`rule-momentum_7_0.1`, `rule-hold`). */
export const ruleVersion = (rule: RuleSpec) => `rule-${ruleId(rule).replaceAll("/", "_")}`;

/** Always-HOLD: what serves before any candidate has passed validation. */
export const HOLD: ModelRef = { version: "rule-hold", kind: "rule", rule: { rule: "hold" } };

/** A stored version as a reference (null when a learned version has no artifact). */
export function refOf(v: ModelVersion): ModelRef | null {
	if (v.kind === "learned")
		return v.artifact_key ? { version: v.version, kind: "learned", artifact_key: v.artifact_key } : null;
	return { version: v.version, kind: "rule", rule: v.spec.kind === "rule" ? v.spec.rule : { rule: "hold" } };
}
