// Plan → one `promtool test rules` file per vertical, written beside the rule files it tests.
import type { RuleTestFilePlan } from "../plan/ruleTests";
import { toYaml } from "./yaml";

/** `ruleFiles` are the vertical's rendered rule files, relative to the test file. */
export function renderRuleTestFile(file: RuleTestFilePlan, ruleFiles: readonly string[]): string {
  return toYaml({ rule_files: ruleFiles, evaluation_interval: file.evaluationInterval, tests: file.groups });
}
