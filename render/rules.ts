// Plan → one Prometheus rule file per vertical, in the format promtool and Prometheus load.
import type { AlertingPlan, RuleFilePlan } from "../plan/plan";
import { toYaml } from "./yaml";

export function renderRuleFile(file: RuleFilePlan): string {
  return toYaml({ groups: file.groups });
}

export function renderRuleFiles(plan: AlertingPlan): Map<string, string> {
  return new Map(plan.ruleFiles.map((file) => [file.vertical, renderRuleFile(file)]));
}
